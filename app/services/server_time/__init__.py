"""One clock for the whole team: on a shared PostgreSQL database every console reads the server's
time, measured when connecting and every few minutes, so SLA clocks and update countdowns agree
on every workstation and the times stored are the server's."""
