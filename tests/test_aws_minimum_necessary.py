"""Minimum necessary: secrets seeded in AWS appear in no format and no evidence bundle member."""
from __future__ import annotations

import base64
import zipfile

from test_aws2_edge import function

from hipaacheck.formats import FORMATS

SEEDS = {
    "lambda": "SEEDED-LAMBDA-VALUE-5150",
    "userdata": "SEEDED-USERDATA-PASSWORD-8675",
    "ssm": "SEEDED-SSM-PARAMETER-3090",
}


def test_no_seeded_secret_reaches_any_output_or_the_bundle(aws, cli, tmp_path):
    function(aws, "leaky", {"DB_PASSWORD": SEEDS["lambda"]})
    ec2 = aws.client("ec2")
    image = ec2.describe_images()["Images"][0]["ImageId"]
    user_data = f"#!/bin/sh\necho {SEEDS['userdata']}\n"
    instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, UserData=user_data)["Instances"][0]
    stored = ec2.describe_instance_attribute(InstanceId=instance["InstanceId"], Attribute="userData")
    assert SEEDS["userdata"] in base64.b64decode(stored["UserData"]["Value"]).decode()  # the seed is really there
    aws.client("ssm").put_parameter(Name="/app/db", Value=SEEDS["ssm"], Type="SecureString")
    out, bundle = tmp_path / "out", tmp_path / "evidence.zip"
    result = cli("scan", "--source", "aws", "--regions", "us-east-1", "--format", ",".join(FORMATS),
                 "--output-dir", out, "--evidence-bundle", bundle)
    assert result.code in (1, 3), result.err
    written = {path.name: path.read_bytes() for path in out.iterdir()}
    assert len(written) == len(FORMATS)
    with zipfile.ZipFile(bundle) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    assert "inventory.json" in members
    assert b"DB_PASSWORD" in members["inventory.json"]  # the name is kept: the check needs it
    for seed in SEEDS.values():
        forms = (seed.encode(), base64.b64encode(seed.encode()), base64.b64encode(user_data.encode()))
        for name, data in [*written.items(), *members.items(), ("stdout", result.out.encode()),
                           ("stderr", result.err.encode())]:
            for form in forms:
                assert form not in data, f"{seed} in {name}"
