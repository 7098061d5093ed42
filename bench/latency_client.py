"""Sequential chat completions over one keep-alive connection, timed: prints p50 and p99 in
milliseconds of the whole call and, for streams, of the first event. Bench tooling only.
Usage: latency_client.py URL TOKEN MODEL stream|plain COUNT"""
import http.client
import json
import socket
import sys
import time
from urllib.parse import urlparse

url, token, model, mode, count = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
target = urlparse(url)
connection = http.client.HTTPConnection(target.hostname, target.port)
connection.connect()
# Headers and body may leave in two writes; Nagle's algorithm would hold the second back.
connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
body = json.dumps({"model": model, "temperature": 0.7, "stream": mode == "stream",
                   "messages": [{"role": "user", "content": "Give me one sentence about benchmarks."}]})
headers = {"Content-Type": "application/json", "Authorization": "Bearer " + token}
totals, firsts = [], []
for n in range(count + count // 10):
    started = time.perf_counter()
    connection.request("POST", target.path, body, headers)
    response = connection.getresponse()
    assert response.status == 200, (response.status, response.read()[:300])
    if mode == "stream":
        first = None
        while True:
            line = response.readline()
            if not line:
                break
            if first is None and line.startswith(b"data: "):
                first = time.perf_counter() - started
        response.read()
    else:
        response.read()
        first = None
    total = time.perf_counter() - started
    if n >= count // 10:  # the first tenth warms up
        totals.append(total * 1000)
        if first is not None:
            firsts.append(first * 1000)


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


result = {"p50": percentile(totals, 50), "p99": percentile(totals, 99)}
if firsts:
    result.update(first_p50=percentile(firsts, 50), first_p99=percentile(firsts, 99))
print(json.dumps(result))
