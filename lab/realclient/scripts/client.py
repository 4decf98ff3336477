"""Connects to lab endpoints as Python does: mode "ssl" uses the standard
library's ssl.create_default_context, mode "requests" uses requests (with
urllib3). Reads {"root", "targets": [{"host", "ip", "port", "timeout"}]} on
standard input and writes one {"works", "message"} per target, in order, as
a JSON list. Lab names resolve, per thread, to the target's address, so the
library sees the name as it would from DNS."""
import json
import socket
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

OK_BODY = "tlsdoctor lab: ok"
local = threading.local()
real_getaddrinfo = socket.getaddrinfo


def lab_getaddrinfo(host, port, *args, **kwargs):
    ip = getattr(local, "names", {}).get(host)
    if ip is None:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    return real_getaddrinfo(ip, port, *args, **kwargs)


socket.getaddrinfo = lab_getaddrinfo


def line(e):
    """The last line of a traceback: the exception's type and message."""
    t = type(e)
    name = t.__name__ if t.__module__ == "builtins" else t.__module__ + "." + t.__name__
    return name + ": " + str(e)


def with_ssl(job, root, timeout):
    import ssl
    ctx = ssl.create_default_context(cafile=root)
    host, port = job["host"], int(job["port"])
    with socket.create_connection((host, port), timeout=timeout) as raw:
        with ctx.wrap_socket(raw, server_hostname=host) as s:
            s.sendall(("GET / HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n\r\n" % (host, port)).encode())
            data = b""
            while len(data) < 1 << 20:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
    text = data.decode("latin-1")
    if text.startswith("HTTP/1.1 200 OK") and OK_BODY in text:
        return {"works": True}
    return {"works": False, "message": "(handshake done; no HTTP 200 reply)", "own": False}


def with_requests(job, root, timeout):
    import requests
    r = requests.get("https://%s:%s/" % (job["host"], job["port"]), verify=root, timeout=timeout)
    if r.status_code == 200 and OK_BODY in r.text:
        return {"works": True}
    return {"works": False, "message": "(HTTP %d)" % r.status_code, "own": False}


def main():
    mode = sys.argv[1]
    req = json.load(sys.stdin)
    fn = {"ssl": with_ssl, "requests": with_requests}[mode]

    def one(job):
        local.names = {job["host"]: job["ip"]}
        try:
            return fn(job, req["root"], job["timeout"])
        except Exception as e:  # every failure is a result
            return {"works": False, "message": line(e), "own": True}

    with ThreadPoolExecutor(max_workers=4) as pool:
        out = list(pool.map(one, req["targets"]))
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
