step migrate retryable=1 essential=1: echo migrate >>log; echo "psql: could not connect: Connection refused"; exit 2
handler restart_service: echo never >>log
handler rollback: echo rollback >>log; exit 1
