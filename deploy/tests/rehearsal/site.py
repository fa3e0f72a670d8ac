"""A browser's part for the rehearsal: plain HTTP to nginx, cookies, forms, no redirects followed."""

import http.client
import re
import uuid
from dataclasses import dataclass


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self):
        return self.body.decode(errors="replace")


class Site:
    """Talks to nginx on 127.0.0.1:port as if the browser had asked for `host` over `scheme` (https:
    TLS ended in front of that nginx, at the load balancer)."""

    def __init__(self, port, host, scheme="http"):
        self.port = port
        self.host = host
        self.scheme = scheme
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            headers = {"Host": self.host, **(headers or {})}
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            body = response.read()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
            return Response(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
        finally:
            connection.close()

    def get(self, path):
        return self.request("GET", path)

    def post_form(self, path, fields, files=None, token=None):
        """POST multipart/form-data with the page's CSRF token (or `token`, one fetched before), like
        the browser would, Origin included (Django checks it, and over https needs it or a Referer)."""
        fields = {"csrfmiddlewaretoken": token or self.csrf_token(path), **fields}
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
        for name, (filename, content_type, data) in (files or {}).items():
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n"
            )
            parts.append(head.encode() + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Origin": f"{self.scheme}://{self.host}",
        }
        return self.request("POST", path, body, headers)

    def csrf_token(self, path):
        page = self.get(path)
        assert page.status == 200, (path, page.status, page.text[:500])
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)

    def announce_body(self, path, length):
        """Send only the headers of a POST with this Content-Length; nginx judges the size from them."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.putrequest("POST", path, skip_host=True)
            connection.putheader("Host", self.host)
            connection.putheader("Content-Type", "multipart/form-data; boundary=x")
            connection.putheader("Content-Length", str(length))
            connection.endheaders()
            response = connection.getresponse()
            return Response(response.status, dict(response.getheaders()), response.read())
        finally:
            connection.close()
