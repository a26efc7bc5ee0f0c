-- Runs once, the first time the database starts with an empty data folder.
CREATE TABLE orders (
    id         serial PRIMARY KEY,
    item       text        NOT NULL,
    quantity   integer     NOT NULL DEFAULT 1 CHECK (quantity > 0),
    created_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO orders (item, quantity) VALUES
    ('coffee beans', 2),
    ('oat milk', 1);
