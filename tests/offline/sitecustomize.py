"""Loaded at interpreter start by the offline test (its folder is put first on PYTHONPATH): every socket
connection or name lookup for a non-loopback address is refused and recorded in $POLICYQA_NET_LOG."""

from __future__ import annotations

import ipaddress
import os
import socket

_LOG = os.environ.get("POLICYQA_NET_LOG", "")
_LOCAL_NAMES = {"localhost", "", None}


def _record(what: str) -> None:
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as handle:
            handle.write(what + "\n")


def _loopback(host: object) -> bool:
    if isinstance(host, bytes):
        host = host.decode()
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex
_getaddrinfo = socket.getaddrinfo


def _guarded(address: object) -> None:
    if isinstance(address, tuple) and not _loopback(address[0]):
        _record(f"connect {address!r}")
        raise OSError(101, "Network is unreachable (blocked by the offline test)")


def connect(self: socket.socket, address: object) -> None:
    _guarded(address)
    return _connect(self, address)


def connect_ex(self: socket.socket, address: object) -> int:
    _guarded(address)
    return _connect_ex(self, address)


def getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
    if not _loopback(host):
        _record(f"getaddrinfo {host!r}")
        raise socket.gaierror(socket.EAI_NONAME, "Name lookup blocked by the offline test")
    return _getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]


socket.socket.connect = connect  # type: ignore[method-assign]
socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
socket.getaddrinfo = getaddrinfo  # type: ignore[assignment]
_record("guard installed")
