"""The admin password gate (POLICYQA_ADMIN_PASSWORD) for HR pages and uploads; unlocked once per session."""

from __future__ import annotations

import hashlib
import hmac

import streamlit as st

from core.config import Settings

UNLOCKED_KEY = "admin_unlocked"
NOT_SET = (
    "This needs an admin password, and none is set: set POLICYQA_ADMIN_PASSWORD "
    "(e.g. `export POLICYQA_ADMIN_PASSWORD=...`) and restart the app."
)


def password_matches(settings: Settings, typed: str) -> bool:
    """Compared in constant time, as digests of equal length so that not even the length leaks; the password
    and what was typed are never logged."""
    if settings.admin_password is None or not typed:
        return False
    expected = hashlib.sha256(settings.admin_password.get_secret_value().encode("utf-8", "surrogatepass")).digest()
    return hmac.compare_digest(expected, hashlib.sha256(typed.encode("utf-8", "surrogatepass")).digest())


def admin_gate(settings: Settings, key: str, purpose: str) -> bool:
    """True when this session is unlocked; otherwise renders the password form (or says how to set one)."""
    if settings.admin_password is None or not settings.admin_password.get_secret_value():
        st.warning(NOT_SET)
        return False
    if st.session_state.get(UNLOCKED_KEY):
        return True
    with st.form(f"{key}-login"):
        typed = st.text_input(f"Admin password to {purpose}", type="password", key=f"{key}-password")
        submitted = st.form_submit_button("Unlock")
    if submitted:
        if password_matches(settings, typed):
            st.session_state[UNLOCKED_KEY] = True
            st.rerun()
        st.error("That password is not right: try again, or ask whoever set POLICYQA_ADMIN_PASSWORD.")
    return False
