"""System-wide settings: crypto policy, time synchronisation, automatic updates."""
from __future__ import annotations

from typing import Any

from hipaacheck.model import Location, NotApplicable, Outcome, Resource, failed, passed
from hipaacheck.registry import check


@check("host.crypto_policy.strength", resource_type="host.crypto_policy", params={
    "forbidden_policies": {"type": "array", "items": {"type": "string"}, "default": ["LEGACY"]},
    "forbidden_modules": {"type": "array", "items": {"type": "string"}, "default": ["SHA1"]},
})
def crypto_policy(resource: Resource, params: dict[str, Any]) -> Outcome:
    """The system crypto policy is not LEGACY and adds no weakening sub-policy (``:SHA1``)."""
    if not resource.get("present"):
        raise NotApplicable("no /etc/crypto-policies/config (not a RHEL-family host)")
    policy, modules = resource.get("policy"), resource.get("modules") or []
    loc = Location(resource.id, resource.get("line"))
    weak = [m for m in modules if m in params["forbidden_modules"]]
    value = ":".join([policy, *modules])
    if policy in params["forbidden_policies"] or weak:
        return failed(f"crypto policy {value} allows weak algorithms", loc, policy=value)
    return passed(f"crypto policy is {value}", loc, policy=value)


@check("host.time_sync.configured", resource_type="host.time_sync")
def time_sync(resource: Resource, params: dict[str, Any]) -> Outcome:
    """chrony, timesyncd or ntpd names at least one time source."""
    sources = resource.get("sources") or []
    units = resource.get("enabled_units") or []
    if not sources:
        return failed("no time source (server/pool) configured for chrony, timesyncd or ntpd", enabled_units=units)
    first = sources[0]
    return passed(f"{len(sources)} time source(s), first {first['kind']} {first['host']} ({first['daemon']})",
                  Location(first["path"], first["line"]), sources=[s["host"] for s in sources], enabled_units=units)


@check("host.updates.automatic", resource_type="host.auto_updates")
def automatic_updates(resource: Resource, params: dict[str, Any]) -> Outcome:
    """Security updates install unattended: APT unattended-upgrades, or dnf-automatic applying updates on a timer."""
    apt, dnf = resource.get("apt"), resource.get("dnf_automatic")
    interval = apt.get("unattended_upgrade")
    if interval not in (None, "", "0") and apt.get("installed"):
        loc = apt["location"]
        return passed(f'APT::Periodic::Unattended-Upgrade "{interval}" with unattended-upgrades installed',
                      Location(loc["path"], loc["line"]), apt=apt)
    if "dnf-automatic-install.timer" in dnf["timers"] or (dnf["apply_updates"] == "yes" and dnf["timers"]):
        return passed(f"dnf-automatic applies {dnf['upgrade_type']} updates ({', '.join(dnf['timers'])} enabled)",
                      Location("/etc/dnf/automatic.conf"), dnf_automatic=dnf)
    return failed("no automatic update mechanism: APT unattended-upgrades off or not installed, dnf-automatic "
                  "not applying updates on an enabled timer", apt=apt, dnf_automatic=dnf)
