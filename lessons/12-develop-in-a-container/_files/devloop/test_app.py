# The app's tests, run inside the container with: python -m unittest -v
import unittest

import app


class GreetingTest(unittest.TestCase):
    def test_the_page_says_the_greeting(self) -> None:
        client = app.app.test_client()
        self.assertEqual(client.get("/").get_data(as_text=True), app.GREETING + "\n")

    def test_the_greeting_is_not_empty(self) -> None:
        self.assertTrue(app.greeting().strip())


if __name__ == "__main__":
    unittest.main()
