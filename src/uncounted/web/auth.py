"""Who is signed in: server-side sessions, sign-in through the store's users, rate limiting and lockout.

Sessions live in this process's memory and the browser holds only a random 256-bit id in an HttpOnly,
SameSite=Strict cookie: signing out or disabling a user ends the session at once, and a restart signs everyone
out (no secret to leak, nothing to forge). Each session has an idle and an absolute expiry.

Passwords are checked by `uncounted.store.users.authenticate` (argon2id, audited failures). In front of it, a
guard counts failures per user name and per client address: after `MAX_FAILURES_PER_NAME` failed sign-ins a
name is locked for `LOCKOUT_SECONDS` (even the right password is refused, so guessing cannot continue), and an
address that fails too often is slowed down the same way, so one machine cannot sweep many names.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from uncounted.store import audit, users
from uncounted.store.access import Actor, PermissionDenied, actor
from uncounted.store.security_models import User
from uncounted.workspace import Workspace

COOKIE = "uncounted_session"
IDLE_SECONDS = 30 * 60
ABSOLUTE_SECONDS = 8 * 60 * 60
MAX_FAILURES_PER_NAME = 5
MAX_FAILURES_PER_ADDRESS = 20
FAILURE_WINDOW_SECONDS = 15 * 60
LOCKOUT_SECONDS = 15 * 60
#: Sessions nobody has signed in to (a login form's CSRF token) are capped: a flood of GETs stays bounded.
MAX_ANONYMOUS = 10_000

Clock = Callable[[], float]


class NotSignedIn(Exception):
    """No valid session: the app answers with a redirect to the sign-in page."""


class LockedOut(Exception):
    """Too many failed sign-ins for this name or address; `seconds` until the next attempt is allowed."""

    def __init__(self, seconds: int) -> None:
        super().__init__(seconds)
        self.seconds = seconds


@dataclass
class Session:
    id: str
    csrf: str
    created: float
    seen: float
    user: str | None = None


@dataclass
class SessionStore:
    """Sessions by id; expired ones are dropped when touched."""

    clock: Clock = time.monotonic
    idle: float = IDLE_SECONDS
    absolute: float = ABSOLUTE_SECONDS
    _sessions: dict[str, Session] = field(default_factory=dict)
    _anonymous: OrderedDict[str, None] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def new(self, user: str | None = None) -> Session:
        now = self.clock()
        session = Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32), now, now, user)
        with self._lock:
            self._sessions[session.id] = session
            if user is None:
                self._anonymous[session.id] = None
                while len(self._anonymous) > MAX_ANONYMOUS:
                    oldest, _ = self._anonymous.popitem(last=False)
                    self._sessions.pop(oldest, None)
        return session

    def get(self, session_id: str | None) -> Session | None:
        if not session_id:
            return None
        now = self.clock()
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None
            if now - session.seen > self.idle or now - session.created > self.absolute:
                self._drop(session_id)
                return None
            session.seen = now
            return session

    def sign_in(self, old: Session | None, user: str) -> Session:
        """A fresh session for `user`; the anonymous one is dropped (no session fixation)."""
        if old is not None:
            self.drop(old.id)
        return self.new(user)

    def drop(self, session_id: str) -> None:
        with self._lock:
            self._drop(session_id)

    def drop_user(self, user: str) -> None:
        with self._lock:
            for session_id in [s.id for s in self._sessions.values() if s.user == user]:
                self._drop(session_id)

    def _drop(self, session_id: str) -> None:
        self._sessions.pop(session_id, None)
        self._anonymous.pop(session_id, None)


@dataclass
class LoginGuard:
    """Failure counts per user name and per address in a sliding window; locks when either is exceeded."""

    clock: Clock = time.monotonic
    per_name: int = MAX_FAILURES_PER_NAME
    per_address: int = MAX_FAILURES_PER_ADDRESS
    window: float = FAILURE_WINDOW_SECONDS
    lockout: float = LOCKOUT_SECONDS
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _locked_until: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, name: str, address: str) -> None:
        """Raise LockedOut if the name or the address is locked now."""
        now = self.clock()
        with self._lock:
            until = max(
                self._locked_until.get(f"name:{name}", 0.0), self._locked_until.get(f"addr:{address}", 0.0)
            )
        if until > now:
            raise LockedOut(int(until - now) + 1)

    def failed(self, name: str, address: str) -> None:
        now = self.clock()
        with self._lock:
            for key, limit in ((f"name:{name}", self.per_name), (f"addr:{address}", self.per_address)):
                times = self._failures.setdefault(key, deque())
                times.append(now)
                while times and now - times[0] > self.window:
                    times.popleft()
                if len(times) >= limit:
                    self._locked_until[key] = now + self.lockout
                    times.clear()

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(f"name:{name}", None)


def sign_in(ws: Workspace, guard: LoginGuard, name: str, password: str, address: str) -> Actor:
    """Check the guard, then the password; a refusal is one sentence that never says which part was wrong."""
    name = name.strip()[:64]
    try:
        guard.check(name, address)
    except LockedOut:
        with ws.session() as session:
            audit.record(session, name, "auth.locked", f"user {name}", {"address": address})
        raise
    try:
        who = users.authenticate(ws, name, password)
    except PermissionDenied:
        guard.failed(name, address)
        raise
    guard.succeeded(name)
    with ws.session() as session:
        audit.record(session, who, "auth.web_sign_in", f"user {name}", {"address": address})
    return who


def current_actor(
    ws: Workspace, name: str, known: dict[tuple[str, str], Actor] | None = None
) -> Actor | None:
    """The signed-in user as they are *now*: None once disabled, with their current role's permissions.

    The user's row is read on every request (a disabled user or a changed role counts at once); the actor
    for a (name, role) is kept in `known`, since the roles' permissions are fixed when the workspace opens.
    """
    with ws.engine.connect() as connection:
        row = connection.execute(select(User.role, User.active).where(User.name == name)).first()
    if row is None or not row.active:
        return None
    if known is None:
        return actor(name, row.role, ws)
    found = known.get((name, row.role))
    if found is None:
        found = known[(name, row.role)] = actor(name, row.role, ws)
    return found
