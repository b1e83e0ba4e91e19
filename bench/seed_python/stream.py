"""stream.py - the fault stream shared by the seed-reference benchmark.

A deterministic mix of agent-call failures (HTTP statuses, transport
timeouts and resets, error texts of 20 to 300 bytes), written one per line as
`status kind retry_after_ms message` for the C driver, and returned as tuples
for the Python side.
"""
import random

KIND_NONE, KIND_RESET, KIND_TIMEOUT = 0, 2, 3

POOL = [  # (weight, status, kind, retry_after_ms, message)
    (14, 429, KIND_NONE, 2000, "Too Many Requests: rate limit exceeded for model gpt-x, retry later"),
    (6, 429, KIND_NONE, 0, "Too Many Requests"),
    (10, 503, KIND_NONE, 0, "Service Unavailable: upstream agent pool is draining"),
    (8, 0, KIND_TIMEOUT, 0, "read timed out after 30000 ms"),
    (6, 0, KIND_RESET, 0, "recv failed: connection reset by peer (errno 104)"),
    (6, 500, KIND_NONE, 0, "Internal Server Error: request timed out waiting for model worker"),
    (5, 500, KIND_NONE, 0, "worker crashed: CUDA out of memory. Tried to allocate 2.00 GiB"),
    (5, 502, KIND_NONE, 0, "Bad Gateway: the agent returned an invalid response"),
    (4, 400, KIND_NONE, 0, "invalid tool arguments: field 'query' must be a string, got null"),
    (3, 401, KIND_NONE, 0, "missing or expired token"),
    (3, 0, KIND_NONE, 0, 'Traceback (most recent call last): File "/srv/agent/run.py", line 41, in '
        'handle result = self.model.generate(prompt, max_tokens=limit) File "/srv/agent/model.py", '
        'line 88, in generate raise RuntimeError("tokenizer state corrupted after partial write")'),
    (3, 500, KIND_NONE, 0, '{"error":{"type":"internal","message":"conn reset while streaming"}}'),
]


def faults(n, seed=20261123):
    rnd = random.Random(seed)
    weights = [p[0] for p in POOL]
    picks = rnd.choices(range(len(POOL)), weights=weights, k=n)
    return [POOL[i][1:] for i in picks]


def write(path, n):
    with open(path, "w") as f:
        for status, kind, ra, msg in faults(n):
            f.write(f"{status} {kind} {ra} {msg}\n")


if __name__ == "__main__":
    import sys
    write(sys.argv[1], int(sys.argv[2]))
