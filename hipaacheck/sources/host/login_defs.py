"""/etc/login.defs: password ageing and hashing defaults for new accounts.

Only the settings shadow-utils knows are kept: any other line is free text (a site's own key could
hold anything), so it is dropped, not carried into the inventory.
"""
from __future__ import annotations

from typing import Any

from ...model import Resource
from .registry import host_collector
from .files import HostContext
from .parsing import file_resource, parse_key_value

PATH = "/etc/login.defs"
NUMERIC = {"PASS_MAX_DAYS", "PASS_MIN_DAYS", "PASS_WARN_AGE", "UID_MIN", "UID_MAX", "SHA_CRYPT_MIN_ROUNDS",
           "SHA_CRYPT_MAX_ROUNDS", "YESCRYPT_COST_FACTOR"}
KNOWN = NUMERIC | frozenset("""
BCRYPT_MAX_ROUNDS BCRYPT_MIN_ROUNDS CHFN_AUTH CHFN_RESTRICT CHSH_AUTH CONSOLE CONSOLE_GROUPS CREATE_HOME
DEFAULT_HOME ENCRYPT_METHOD ENVIRON_FILE ENV_HZ ENV_PATH ENV_SUPATH ENV_TZ ERASECHAR FAILLOG_ENAB FAIL_DELAY
FAKE_SHELL FORCE_SHADOW FTMP_FILE GID_MAX GID_MIN GRANT_AUX_GROUP_SUBIDS HMAC_CRYPTO_ALGO HOME_MODE
HUSHLOGIN_FILE ISSUE_FILE KILLCHAR LASTLOG_ENAB LASTLOG_UID_MAX LOGIN_RETRIES LOGIN_STRING LOGIN_TIMEOUT
LOG_OK_LOGINS LOG_UNKFAIL_ENAB MAIL_CHECK_ENAB MAIL_DIR MAIL_FILE MAX_MEMBERS_PER_GROUP MD5_CRYPT_ENAB MOTD_FILE
NOLOGINS_FILE OBSCURE_CHECKS_ENAB PASS_ALWAYS_WARN PASS_CHANGE_TRIES PASS_MAX_LEN PASS_MIN_LEN
PORTTIME_CHECKS_ENAB PREVENT_NO_AUTH QMAIL_DIR QUOTAS_ENAB SUB_GID_COUNT SUB_GID_MAX SUB_GID_MIN SUB_UID_COUNT
SUB_UID_MAX SUB_UID_MIN SULOG_FILE SU_NAME SU_WHEEL_ONLY SYSLOG_SG_ENAB SYSLOG_SU_ENAB SYS_GID_MAX SYS_GID_MIN
SYS_UID_MAX SYS_UID_MIN TCB_AUTH_GROUP TCB_SYMLINKS TTYGROUP TTYPERM TTYTYPE_FILE ULIMIT UMASK USERDEL_CMD
USERGROUPS_ENAB USE_TCB
""".split())


@host_collector("host.login_defs")
def collect(ctx: HostContext) -> list[Resource]:
    read = ctx.read(PATH)

    def parse(text: str) -> dict:
        settings = {key.upper(): entry for key, entry in parse_key_value(text, separator=None).items()
                    if key.upper() in KNOWN}
        values: dict[str, Any] = {}
        for key, (text, _line) in settings.items():
            value: Any = text
            if key in NUMERIC:
                try:
                    value = int(text)
                except ValueError:
                    pass
            values[key] = value
        return {"settings": values, "lines": {k: line for k, (_, line) in settings.items()}}

    return [file_resource("host.login_defs", read, parse)]
