"""CloudTrail S3 data events: object-level reads or writes recorded by a logging multi-region trail, for every
bucket, or (with ``bucket_tag``) for every bucket tagged as holding ePHI."""
from __future__ import annotations

from typing import Any, Iterator

from hipaacheck.model import Outcome, Resource, errored, failed, passed
from hipaacheck.registry import check


def _tag_path(params: dict[str, Any]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Bucket tags are read only when the control names a tag."""
    if params.get("bucket_tag"):
        yield ("bucket_tag",), "bucket_tags"


def _tagged(resource: Resource, tag: str) -> tuple[list[str], dict[str, str]]:
    key, _, value = tag.partition("=")
    names, unread = [], {}
    for bucket, tags in sorted((resource.get("bucket_tags") or {}).items()):
        if "unreadable" in tags:
            unread[bucket] = tags["unreadable"]
        elif key in tags and (not value or tags[key] == value):
            names.append(bucket)
    return names, unread


@check("aws.cloudtrail.s3_data_events", resource_type="aws.cloudtrail.s3_data_events",
       reads=("trails", "unread"), paths_in_params=_tag_path, params={
    "kind": {"enum": ["read", "write"]},
    "bucket_tag": {"type": "string", "default": "",
                   "description": "KEY or KEY=VALUE naming ePHI buckets; empty: every bucket"},
}, required=["kind"])
def s3_data_events(resource: Resource, params: dict[str, Any]) -> Outcome:
    """A logging multi-region trail records S3 object ``kind`` events for all buckets (or each tagged one)."""
    kind = params["kind"]
    trails = [t for t in resource.get("trails") or [] if t.get("multi_region") and t.get("is_logging")]
    if any(t["s3"][kind]["all"] for t in trails):
        trail = next(t["arn"] for t in trails if t["s3"][kind]["all"])
        return passed(f"S3 object {kind} events of every bucket are recorded by {trail}", trail=trail)
    unread = resource.get("unread") or {}
    covered = sorted({b for t in trails for b in t["s3"][kind]["buckets"]})
    if params["bucket_tag"]:
        tagged, tags_unread = _tagged(resource, params["bucket_tag"])
        missing = [b for b in tagged if b not in covered]
        unread = {**unread, **tags_unread}
        if missing:
            return failed(f"S3 object {kind} events not recorded for {len(missing)} bucket(s) tagged "
                          f"{params['bucket_tag']}: {', '.join(missing[:5])}", missing=missing, covered=covered)
        if not unread:
            return passed(f"S3 object {kind} events recorded for all {len(tagged)} bucket(s) tagged "
                          f"{params['bucket_tag']}", buckets=tagged)
    if unread:
        return errored(f"no trail seen recording S3 object {kind} events for every bucket, and some could not be read",
                       unread=unread, covered=covered)
    shown = f" (only for {', '.join(covered[:5])})" if covered else ""
    return failed(f"no logging multi-region trail records S3 object {kind} events for every bucket{shown}",
                  covered=covered)
