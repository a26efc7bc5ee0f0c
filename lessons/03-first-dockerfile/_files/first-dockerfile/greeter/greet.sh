#!/bin/bash
# Greets NAME (or a stranger) with GREETING, and signs the guestbook kept in /data.
name="${NAME:-stranger}"
echo "${GREETING}, ${name}!"
echo "${name} was here" >> /data/guestbook.txt
echo "The guestbook in /data has $(wc -l < /data/guestbook.txt) signature(s)."
