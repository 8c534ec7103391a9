"""Seeds for the AWS coverage controls: each builds one compliant and one non-compliant resource (and
edge cases) of a type on in-process moto, returning labels -> a fragment of each resource's id.

Where moto 5.2.5 has no handler (SSM instance information and compliance, GuardDuty findings, Access
Analyzer, Lambda function URL configs, Backup ListProtectedResources and vault access policies) answers come from
``aws_answers.model_answers`` (validated against botocore's service model); where moto does not model a
field (EMR instance addresses, stage client certificates, DocumentDB engines, old launch and stop times,
ACM issuance) its answer is edited with ``aws_answers.edit_answer``. Each seed's docstring names its gaps.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

from aws_answers import Refusal, edit_answer, model_answers
from aws_helpers import ACCOUNT
from test_aws2_edge import function

Labels = dict[str, str]
NOW = datetime.now(timezone.utc)
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"


def days_ago(days: int) -> datetime:
    return NOW - timedelta(days=days)


def role(session, name: str = "svc") -> str:
    iam = session.client("iam")
    try:
        return iam.get_role(RoleName=name)["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        return iam.create_role(RoleName=name, AssumeRolePolicyDocument="{}")["Role"]["Arn"]


def protected(monkeypatch, arns: list[str]) -> None:
    """moto has no ListProtectedResources: AWS Backup holds recovery points of ``arns`` (added to those
    named before in the same test)."""
    held = getattr(monkeypatch, "backup_protected", None)
    if held is None:
        held = monkeypatch.backup_protected = []
        model_answers(monkeypatch, {"ListProtectedResources": lambda params, region: {
            "Results": [{"ResourceArn": arn, "ResourceType": "x"} for arn in held if f":{region}:" in arn]}})
    held.extend(arns)


# --------------------------------------------------------------------------- EKS, SageMaker, DAX, Kinesis, ECR, MSK

def eks(session, monkeypatch) -> Labels:
    client, arn = session.client("eks"), role(session)
    client.create_cluster(name="good", roleArn=arn, resourcesVpcConfig={
        "subnetIds": [], "endpointPublicAccess": False, "endpointPrivateAccess": True},
        encryptionConfig=[{"resources": ["secrets"], "provider": {"keyArn": KEY}}],
        logging={"clusterLogging": [{"types": ["api", "audit"], "enabled": True}]})
    client.create_cluster(name="bad", roleArn=arn, resourcesVpcConfig={
        "subnetIds": [], "endpointPublicAccess": True, "publicAccessCidrs": ["0.0.0.0/0"]})
    client.create_cluster(name="limited", roleArn=arn, resourcesVpcConfig={
        "subnetIds": [], "endpointPublicAccess": True, "publicAccessCidrs": ["203.0.113.0/24"]})
    return {"good": "cluster/good", "bad": "cluster/bad", "limited": "cluster/limited"}


def sagemaker(session, monkeypatch) -> Labels:
    client, arn = session.client("sagemaker"), role(session)
    client.create_notebook_instance(NotebookInstanceName="good", InstanceType="ml.t3.medium", RoleArn=arn,
                                    KmsKeyId=KEY, DirectInternetAccess="Disabled", SubnetId="subnet-1",
                                    SecurityGroupIds=["sg-1"])
    client.create_notebook_instance(NotebookInstanceName="bad", InstanceType="ml.t3.medium", RoleArn=arn)
    return {"good": "instance/good", "bad": "instance/bad"}


def endpoint_configs(session, monkeypatch) -> Labels:
    client = session.client("sagemaker")
    client.create_model(ModelName="triage", ExecutionRoleArn=role(session),
                        PrimaryContainer={"Image": f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/triage:1"})
    variants = [{"VariantName": "main", "ModelName": "triage", "InstanceType": "ml.m5.large", "InitialInstanceCount": 1}]
    client.create_endpoint_config(EndpointConfigName="good", ProductionVariants=variants, KmsKeyId=KEY)
    client.create_endpoint_config(EndpointConfigName="bad", ProductionVariants=variants)
    return {"good": "endpoint-config/good", "bad": "endpoint-config/bad"}


def replication_instances(session, monkeypatch) -> Labels:
    client = session.client("dms")
    return {label: client.create_replication_instance(
        ReplicationInstanceIdentifier=f"{label}-dms", ReplicationInstanceClass="dms.t3.medium",
        PubliclyAccessible=label == "bad")["ReplicationInstance"]["ReplicationInstanceArn"] for label in ("good", "bad")}


ECS_SECRET = "ecs-env-Secret-Value-9c1f"  # a container environment value: must appear in no output


def task_definitions(session, monkeypatch) -> Labels:
    """Families whose latest ACTIVE revision decides: good-task's first revision and stale-task's deregistered
    second one would fail."""
    client = session.client("ecs")

    def register(family: str, mode: str = "host", **container: Any) -> str:
        """The family's ARN (the resource id); registering makes a revision of it."""
        definition = {"name": "app", "image": "app:1", "memory": 256, **container}
        return client.register_task_definition(family=family, networkMode=mode, containerDefinitions=[definition])[
            "taskDefinition"]["taskDefinitionArn"].rpartition(":")[0]

    register("good-task")
    good = register("good-task", readonlyRootFilesystem=True, user="1000:1000")
    bad = register("bad-task", environment=[{"name": "DB_PASSWORD", "value": ECS_SECRET}])
    bridge = register("bridge-task", "bridge", readonlyRootFilesystem=True)
    privileged = register("privileged-task", readonlyRootFilesystem=True, privileged=True, user="root")
    stale = register("stale-task", readonlyRootFilesystem=True, user="app")
    client.deregister_task_definition(taskDefinition=f"{register('stale-task', user='0')}:2")
    return {"good": good, "bad": bad, "bridge": bridge, "privileged": privileged, "stale": stale}


def dax(session, monkeypatch) -> Labels:
    client, arn = session.client("dax"), role(session)
    client.create_cluster(ClusterName="goodcache", NodeType="dax.t3.small", ReplicationFactor=1, IamRoleArn=arn,
                          SSESpecification={"Enabled": True}, ClusterEndpointEncryptionType="TLS")
    client.create_cluster(ClusterName="badcache", NodeType="dax.t3.small", ReplicationFactor=1, IamRoleArn=arn)
    return {"good": "goodcache", "bad": "badcache"}


def kinesis(session, monkeypatch) -> Labels:
    client = session.client("kinesis")
    for name in ("good", "bad"):
        client.create_stream(StreamName=name, ShardCount=1)
    client.start_stream_encryption(StreamName="good", EncryptionType="KMS", KeyId="alias/aws/kinesis")
    return {"good": "stream/good", "bad": "stream/bad"}


def ecr(session, monkeypatch) -> Labels:
    client = session.client("ecr")
    client.create_repository(repositoryName="good-repo", encryptionConfiguration={"encryptionType": "KMS"})
    client.create_repository(repositoryName="bad-repo")
    return {"good": "good-repo", "bad": "bad-repo"}


def msk(session, monkeypatch) -> Labels:
    client = session.client("kafka")
    nodes = {"InstanceType": "kafka.m5.large", "ClientSubnets": ["subnet-1", "subnet-2"]}

    def create(name: str, transit: dict, public: str) -> str:
        info = {**nodes, "ConnectivityInfo": {"PublicAccess": {"Type": public}}}
        return client.create_cluster(ClusterName=name, KafkaVersion="3.6.0", NumberOfBrokerNodes=2,
                                     BrokerNodeGroupInfo=info,
                                     EncryptionInfo={"EncryptionInTransit": transit})["ClusterArn"]

    return {"good": create("good", {"ClientBroker": "TLS", "InCluster": True}, "DISABLED"),
            "bad": create("bad", {"ClientBroker": "TLS_PLAINTEXT", "InCluster": True}, "SERVICE_PROVIDED_EIPS")}


def emr(session, monkeypatch) -> Labels:
    """moto's ListInstances lists no instances: the bad cluster's primary node gets a public IP."""
    client = session.client("emr")
    common = {"ReleaseLabel": "emr-6.15.0", "JobFlowRole": "EMR_EC2_DefaultRole", "ServiceRole": "EMR_DefaultRole",
              "Instances": {"MasterInstanceType": "m5.xlarge", "SlaveInstanceType": "m5.xlarge", "InstanceCount": 1,
                            "KeepJobFlowAliveWhenNoSteps": True}}
    good = client.run_job_flow(Name="good", KerberosAttributes={"Realm": "EC2.INTERNAL", "KdcAdminPassword": "x"},
                               **common)["JobFlowId"]
    bad = client.run_job_flow(Name="bad", **common)["JobFlowId"]

    def add_address(parsed: dict, params: dict) -> None:
        if params.get("ClusterId") == bad:
            parsed["Instances"] = [{"Id": "ci-1", "Ec2InstanceId": "i-1", "PublicIpAddress": "198.51.100.7"}]

    edit_answer(monkeypatch, "ListInstances", add_address, "emr")
    return {"good": good, "bad": bad}


# --------------------------------------------------------------------------- EC2, SSM, network

def instances(session, monkeypatch) -> Labels:
    """moto launches every instance now and gives none a public IP in a VPC: the bad instance's launch
    time and address, and the long-stopped instance's stop time, are edited into DescribeInstances."""
    ec2, iam = session.client("ec2"), session.client("iam")
    iam.create_instance_profile(InstanceProfileName="app-profile")
    launch = {"ImageId": "ami-12c6146b", "MinCount": 1, "MaxCount": 1}
    good = ec2.run_instances(IamInstanceProfile={"Name": "app-profile"}, **launch)["Instances"][0]["InstanceId"]
    bad = ec2.run_instances(**launch)["Instances"][0]["InstanceId"]
    tier = ec2.run_instances(TagSpecifications=[{"ResourceType": "instance", "Tags": [
        {"Key": "public-web", "Value": "yes"}]}], **launch)["Instances"][0]["InstanceId"]
    parked, forgotten = (ec2.run_instances(**launch)["Instances"][0]["InstanceId"] for _ in range(2))
    ec2.stop_instances(InstanceIds=[parked, forgotten])

    def edit(parsed: dict, params: dict) -> None:
        for reservation in parsed.get("Reservations") or []:
            for instance in reservation.get("Instances") or []:
                if instance["InstanceId"] in (bad, tier):
                    instance["PublicIpAddress"] = "198.51.100.9"
                else:  # moto's default subnets give every instance a public address
                    instance.pop("PublicIpAddress", None)
                if instance["InstanceId"] == bad:
                    instance["LaunchTime"] = days_ago(400)
                if instance["InstanceId"] == forgotten:
                    stamp = days_ago(90).strftime("%Y-%m-%d %H:%M:%S")
                    instance["StateTransitionReason"] = f"User initiated ({stamp} GMT)"

    edit_answer(monkeypatch, "DescribeInstances", edit, "ec2")
    protected(monkeypatch, [f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/{good}"])
    return {"good": good, "bad": bad, "tier": tier, "parked": parked, "forgotten": forgotten}


def volumes(session, monkeypatch) -> Labels:
    """moto has no ListProtectedResources: the good volume has an AWS Backup recovery point."""
    ec2 = session.client("ec2")
    good, bad = (ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"] for _ in range(2))
    protected(monkeypatch, [f"arn:aws:ec2:us-east-1:{ACCOUNT}:volume/{good}"])
    return {"good": good, "bad": bad}


def caches(session, monkeypatch) -> Labels:
    client = session.client("elasticache")
    for name, days in (("good-cache", 7), ("bad-cache", 0)):
        client.create_replication_group(ReplicationGroupId=name, ReplicationGroupDescription=name, Engine="redis",
                                        CacheNodeType="cache.t3.micro", NumCacheClusters=1, SnapshotRetentionLimit=days)
    return {"good": "good-cache", "bad": "bad-cache"}


def domains(session, monkeypatch) -> Labels:
    """moto drops a domain's VPCOptions: DescribeDomains reports the good domain's VPC."""
    client = session.client("opensearch")
    group = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:search"
    client.create_domain(DomainName="good", VPCOptions={"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"]},
                         LogPublishingOptions={"ES_APPLICATION_LOGS": {"CloudWatchLogsLogGroupArn": group, "Enabled": True}})
    client.create_domain(DomainName="bad")

    def edit(parsed: dict, params: dict) -> None:
        for status in parsed.get("DomainStatusList") or []:
            if status["DomainName"] == "good":
                status["VPCOptions"] = {"VPCId": "vpc-1", "SubnetIds": ["subnet-1"]}

    edit_answer(monkeypatch, "DescribeDomains", edit, "opensearch")
    return {"good": "domain/good", "bad": "domain/bad"}


def keys(session, monkeypatch) -> Labels:
    kms = session.client("kms")
    good, bad = (kms.create_key()["KeyMetadata"]["KeyId"] for _ in range(2))
    kms.schedule_key_deletion(KeyId=bad, PendingWindowInDays=7)
    return {"good": good, "bad": bad}


def ssm(session, monkeypatch) -> Labels:
    """moto has no DescribeInstanceInformation or ListResourceComplianceSummaries: both are answered."""
    ec2 = session.client("ec2")
    good, bad, rogue = (ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
                        for _ in range(3))

    def summary(instance: str, kind: str, compliant: bool) -> dict:
        counts = {"CriticalCount": 0 if compliant else 2, "HighCount": 0, "MediumCount": 0 if compliant else 1,
                  "LowCount": 0, "InformationalCount": 0, "UnspecifiedCount": 0}
        return {"ComplianceType": kind, "ResourceType": "ManagedInstance", "ResourceId": instance,
                "Status": "COMPLIANT" if compliant else "NON_COMPLIANT",
                "OverallSeverity": "UNSPECIFIED" if compliant else "CRITICAL",
                "CompliantSummary": {"CompliantCount": 5}, "NonCompliantSummary": {
                    "NonCompliantCount": 0 if compliant else 3, "SeveritySummary": counts}}

    def compliance(params: dict, region: str | None) -> dict:
        kind = params["Filters"][0]["Values"][0]
        return {"ResourceComplianceSummaryItems": [summary(good, kind, True), summary(bad, kind, False)]}

    model_answers(monkeypatch, {
        "DescribeInstanceInformation": {"InstanceInformationList": [
            {"InstanceId": good, "PingStatus": "Online"}, {"InstanceId": bad, "PingStatus": "Online"}]},
        "ListResourceComplianceSummaries": compliance})
    return {"good": good, "bad": bad, "rogue": rogue}


def network_acls(session, monkeypatch) -> Labels:
    ec2 = session.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    good = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    bad = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    shielded = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]

    def entry(acl: str, number: int, action: str, cidr: str, protocol: str = "6", ports=(22, 22)) -> None:
        extra = {"PortRange": {"From": ports[0], "To": ports[1]}} if protocol != "-1" else {}
        ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=number, Protocol=protocol, RuleAction=action,
                                     Egress=False, CidrBlock=cidr, **extra)

    entry(good, 100, "allow", "10.0.0.0/8")
    entry(good, 110, "allow", "0.0.0.0/0", ports=(443, 443))
    entry(bad, 100, "allow", "0.0.0.0/0")
    entry(bad, 200, "allow", "0.0.0.0/0", protocol="-1")
    entry(shielded, 90, "deny", "0.0.0.0/0", protocol="-1")  # the first match decides: a deny ahead of the allow
    entry(shielded, 100, "allow", "0.0.0.0/0", protocol="-1")
    return {"good": good, "bad": bad, "shielded": shielded}


def subnets(session, monkeypatch) -> Labels:
    ec2 = session.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    good = ec2.create_subnet(VpcId=vpc, CidrBlock="10.2.1.0/24")["Subnet"]["SubnetId"]
    bad = ec2.create_subnet(VpcId=vpc, CidrBlock="10.2.2.0/24")["Subnet"]["SubnetId"]
    ec2.modify_subnet_attribute(SubnetId=bad, MapPublicIpOnLaunch={"Value": True})
    return {"good": good, "bad": bad}


def route_tables(session, monkeypatch) -> Labels:
    ec2 = session.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.4.0.0/16")["Vpc"]["VpcId"]
    gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
    tables = {label: ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
              for label in ("good", "bad", "bad-v6")}
    ec2.create_route(RouteTableId=tables["good"], DestinationCidrBlock="192.0.2.0/24", GatewayId=gateway)
    ec2.create_route(RouteTableId=tables["bad"], DestinationCidrBlock="0.0.0.0/0", GatewayId=gateway)
    ec2.create_route(RouteTableId=tables["bad-v6"], DestinationIpv6CidrBlock="::/0", GatewayId=gateway)
    return tables


def ssm_documents(session, monkeypatch) -> Labels:
    client = session.client("ssm")
    content = json.dumps({"schemaVersion": "2.2", "description": "x", "mainSteps": [
        {"action": "aws:runShellScript", "name": "run", "inputs": {"runCommand": ["true"]}}]})
    for name in ("good-doc", "bad-doc", "private-doc"):
        client.create_document(Name=name, Content=content, DocumentType="Command")
    client.modify_document_permission(Name="good-doc", PermissionType="Share", AccountIdsToAdd=["111122223333"])
    client.modify_document_permission(Name="bad-doc", PermissionType="Share", AccountIdsToAdd=["all"])
    return {"good": "document/good-doc", "bad": "document/bad-doc", "private": "document/private-doc"}


BACKUP_DENY = ("backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle", "backup:PutBackupVaultAccessPolicy")


def vault_policies(session, monkeypatch) -> Labels:
    """moto has no GetBackupVaultAccessPolicy: answered from the policies below (none: ResourceNotFoundException)."""
    client = session.client("backup")
    everyone = {"Effect": "Deny", "Principal": {"AWS": "*"}, "Resource": "*"}
    policies = {"good-vault": [{**everyone, "Action": list(BACKUP_DENY)}],
                "wild-vault": [{**everyone, "Action": "backup:*"}],
                "bad-vault": [{**everyone, "Action": "backup:DeleteRecoveryPoint"}],
                "conditional-vault": [{**everyone, "Action": list(BACKUP_DENY), "Condition": {
                    "StringNotLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/*"}}}],
                "exempting-vault": [{"Effect": "Deny", "NotPrincipal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                                     "Resource": "*", "Action": list(BACKUP_DENY)}],
                "narrow-vault": [{**everyone, "Action": list(BACKUP_DENY),  # one recovery point, not all of them
                                  "Resource": f"arn:aws:backup:us-east-1:{ACCOUNT}:recovery-point:only-this-one*"}],
                "patterned-vault": [{**everyone, "Action": list(BACKUP_DENY)[:2],
                                     "Resource": "arn:aws:backup:*:*:recovery-point:*"},
                                    {**everyone, "Action": list(BACKUP_DENY)[2:], "Resource": "arn:aws:backup:*"}]}
    arns = {name: client.create_backup_vault(BackupVaultName=name)["BackupVaultArn"]
            for name in (*policies, "open-vault")}

    def policy(params: dict, region: str | None) -> Any:
        name = params["BackupVaultName"]
        if name not in policies:
            return Refusal("ResourceNotFoundException", 404)
        return {"BackupVaultName": name, "BackupVaultArn": arns.get(name, name), "Policy": json.dumps(
            {"Version": "2012-10-17", "Statement": policies[name]})}

    model_answers(monkeypatch, {"GetBackupVaultAccessPolicy": policy})
    return {name.removesuffix("-vault"): arn for name, arn in arns.items()}


# --------------------------------------------------------------------------- Lambda, S3

URL = "https://abcdefghijklmnopqrstuvwxyz.lambda-url.us-east-1.on.aws/"


def lambdas(session, monkeypatch) -> Labels:
    """moto has no ListFunctionUrlConfigs: the bad function's URL has auth type NONE."""
    good, bad = function(session, "good", {}), function(session, "bad", {})
    client = session.client("lambda")
    client.add_permission(FunctionName="good", StatementId="s3", Action="lambda:InvokeFunction", Principal="*",
                          SourceArn="arn:aws:s3:::uploads")
    client.add_permission(FunctionName="bad", StatementId="open", Action="lambda:InvokeFunction", Principal="*")

    def urls(params: dict, region: str | None) -> dict:
        name = params["FunctionName"]
        auth = "NONE" if name.endswith(":bad") else "AWS_IAM"
        return {"FunctionUrlConfigs": [{"FunctionUrl": URL, "FunctionArn": name,
                                        "CreationTime": "2026-01-01T00:00:00Z", "LastModifiedTime": "2026-01-01T00:00:00Z",
                                        "AuthType": auth}]}

    model_answers(monkeypatch, {"ListFunctionUrlConfigs": urls})
    return {"good": good, "bad": bad}


def buckets(session, monkeypatch) -> Labels:
    s3 = session.client("s3")
    for name in ("good", "bad-read", "bad-write", "blocked"):
        s3.create_bucket(Bucket=name)
    s3.put_bucket_acl(Bucket="bad-read", ACL="public-read")

    def policy(bucket: str, action: str) -> str:
        return json.dumps({"Version": "2012-10-17", "Statement": [{
            "Sid": "open", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": action,
            "Resource": f"arn:aws:s3:::{bucket}/*"}]})

    s3.put_bucket_policy(Bucket="bad-write", Policy=policy("bad-write", "s3:PutObject"))
    s3.put_bucket_policy(Bucket="blocked", Policy=policy("blocked", "s3:*"))
    s3.put_public_access_block(Bucket="blocked", PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    return {name: f":::{name}" for name in ("good", "bad-read", "bad-write", "blocked")}


# --------------------------------------------------------------------------- load balancers, API Gateway

def classic_elbs(session, monkeypatch) -> Labels:
    elb = session.client("elb")
    cert = session.client("acm").request_certificate(DomainName="example.org")["CertificateArn"]
    https = {"Protocol": "HTTPS", "LoadBalancerPort": 443, "InstanceProtocol": "HTTP", "InstancePort": 80,
             "SSLCertificateId": cert}
    for name, listener in (("good", https), ("old", https),
                           ("bad", {"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 80})):
        elb.create_load_balancer(LoadBalancerName=name, Listeners=[listener], AvailabilityZones=["us-east-1a"])
    for name, protocol in (("good", "TLSv1.2"), ("old", "TLSv1")):
        elb.create_load_balancer_policy(LoadBalancerName=name, PolicyName="tls", PolicyTypeName="SSLNegotiationPolicyType",
                                        PolicyAttributes=[{"AttributeName": f"Protocol-{protocol}", "AttributeValue": "true"}])
        elb.set_load_balancer_policies_of_listener(LoadBalancerName=name, LoadBalancerPort=443, PolicyNames=["tls"])
    elb.modify_load_balancer_attributes(LoadBalancerName="good", LoadBalancerAttributes={
        "AccessLog": {"Enabled": True, "S3BucketName": "logs"}})
    return {"good": "loadbalancer/good", "old": "loadbalancer/old", "bad": "loadbalancer/bad"}


def elbv2s(session, monkeypatch) -> Labels:
    ec2, elb = session.client("ec2"), session.client("elbv2")
    vpc = ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    nets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.3.{i}.0/24", AvailabilityZone=f"us-east-1{z}")
            ["Subnet"]["SubnetId"] for i, z in ((1, "a"), (2, "b"))]
    good = elb.create_load_balancer(Name="good", Subnets=nets)["LoadBalancers"][0]["LoadBalancerArn"]
    bad = elb.create_load_balancer(Name="bad", Subnets=nets)["LoadBalancers"][0]["LoadBalancerArn"]
    elb.modify_load_balancer_attributes(LoadBalancerArn=good, Attributes=[
        {"Key": "access_logs.s3.enabled", "Value": "true"}, {"Key": "access_logs.s3.bucket", "Value": "logs"},
        {"Key": "deletion_protection.enabled", "Value": "true"}])
    network = elb.create_load_balancer(Name="network", Type="network", Subnets=nets)["LoadBalancers"][0]
    acl = web_acl(session.client("wafv2"), "alb", "REGIONAL")
    session.client("wafv2").associate_web_acl(WebACLArn=acl, ResourceArn=good)
    return {"good": good, "bad": bad, "network": network["LoadBalancerArn"]}


def web_acl(client, name: str, scope: str) -> str:
    return client.create_web_acl(Name=name, Scope=scope, DefaultAction={"Allow": {}}, VisibilityConfig={
        "SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": name})["Summary"]["ARN"]


def web_acls(session, monkeypatch) -> Labels:
    """A logging and a silent web ACL in each scope (CLOUDFRONT lives in us-east-1)."""
    client = session.client("wafv2", region_name="us-east-1")
    arns = {f"{label}{suffix}": web_acl(client, f"{label}{suffix}", scope)
            for label in ("good", "bad") for suffix, scope in (("", "REGIONAL"), ("-global", "CLOUDFRONT"))}
    for label in ("good", "good-global"):
        client.put_logging_configuration(LoggingConfiguration={"ResourceArn": arns[label], "LogDestinationConfigs": [
            f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:aws-waf-logs-{label}"]})
    return arns


def api_stages(session, monkeypatch) -> Labels:
    """moto ignores clientCertificateId and webAclArn on UpdateStage: GetStages reports them for the good API."""
    client = session.client("apigateway")
    ids = {}
    for name, operations in (("good", [("/*/*/logging/loglevel", "INFO"), ("/*/*/caching/enabled", "true"),
                                       ("/*/*/caching/dataEncrypted", "true")]),
                             ("bad", [("/*/*/caching/enabled", "true"), ("/*/*/caching/dataEncrypted", "false")])):
        api = ids[name] = client.create_rest_api(name=name)["id"]
        root = client.get_resources(restApiId=api)["items"][0]["id"]
        client.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
        client.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
        deployment = client.create_deployment(restApiId=api)["id"]
        client.create_stage(restApiId=api, stageName="prod", deploymentId=deployment, cacheClusterEnabled=True)
        client.update_stage(restApiId=api, stageName="prod", patchOperations=[
            {"op": "replace", "path": path, "value": value} for path, value in operations])

    def edit(parsed: dict, params: dict) -> None:
        if params.get("restApiId") == ids["good"]:
            for stage in parsed.get("item") or []:
                stage.update(clientCertificateId="cert1", webAclArn="arn:aws:wafv2:us-east-1:1:regional/webacl/x/1")

    edit_answer(monkeypatch, "GetStages", edit, "apigateway")
    return {"good": f"restapis/{ids['good']}/", "bad": f"restapis/{ids['bad']}/"}


# --------------------------------------------------------------------------- databases, storage

def rds_instances(session, monkeypatch) -> Labels:
    """moto has no ListProtectedResources: the good instance has an AWS Backup recovery point."""
    rds = session.client("rds")
    common = {"DBInstanceClass": "db.t3.micro", "Engine": "postgres", "MasterUsername": "admin",
              "MasterUserPassword": "Secret-Pass-123", "AllocatedStorage": 20}
    good = rds.create_db_instance(DBInstanceIdentifier="good", MultiAZ=True, AutoMinorVersionUpgrade=True,
                                  EnableCloudwatchLogsExports=["postgresql", "upgrade"], MonitoringInterval=60,
                                  MonitoringRoleArn=role(session), **common)["DBInstance"]["DBInstanceArn"]
    bad = rds.create_db_instance(DBInstanceIdentifier="bad", MultiAZ=False, AutoMinorVersionUpgrade=False,
                                 **common)["DBInstance"]["DBInstanceArn"]
    protected(monkeypatch, [good])
    return {"good": good, "bad": bad}


def rds_clusters(session, monkeypatch) -> Labels:
    """moto cannot create DocumentDB clusters or report a cluster Multi-AZ: two Aurora clusters are reported
    as DocumentDB (Engine docdb), and the good clusters as MultiAZ; Backup recovery points are answered."""
    rds = session.client("rds")
    common = {"MasterUsername": "admin", "MasterUserPassword": "Secret-Pass-123"}
    arns = {}
    for name, engine, good in (("good-aurora", "aurora-postgresql", True), ("bad-aurora", "aurora-postgresql", False),
                               ("good-docdb", "aurora-postgresql", True), ("bad-docdb", "aurora-postgresql", False),
                               ("good-neptune", "neptune", True), ("bad-neptune", "neptune", False)):
        extra = {"EnableCloudwatchLogsExports": ["audit", "postgresql"]} if good else {}
        if engine == "neptune":
            answer = session.client("neptune").create_db_cluster(DBClusterIdentifier=name, Engine=engine,
                                                                 StorageEncrypted=good, **extra)
        else:
            answer = rds.create_db_cluster(DBClusterIdentifier=name, Engine=engine, StorageEncrypted=good,
                                           **common, **extra)
        arns[name.removesuffix("-aurora")] = answer["DBCluster"]["DBClusterArn"]

    def edit(parsed: dict, params: dict) -> None:
        for cluster in parsed.get("DBClusters") or []:
            if cluster["DBClusterIdentifier"].endswith("-docdb"):
                cluster["Engine"] = "docdb"
            if cluster["DBClusterIdentifier"].startswith("good"):
                cluster["MultiAZ"] = True

    edit_answer(monkeypatch, "DescribeDBClusters", edit, "rds")
    protected(monkeypatch, [arns["good"]])
    return arns


def redshift(session, monkeypatch) -> Labels:
    """moto keeps a snapshot retention of 1 day when asked for 0: DescribeClusters reports 0 for the bad one."""
    client = session.client("redshift")
    common = {"NodeType": "dc2.large", "MasterUsername": "admin", "MasterUserPassword": "Secret-Pass-123"}
    client.create_cluster(ClusterIdentifier="good", AutomatedSnapshotRetentionPeriod=7, AllowVersionUpgrade=True,
                          **common)
    client.create_cluster(ClusterIdentifier="bad", AutomatedSnapshotRetentionPeriod=0, AllowVersionUpgrade=False,
                          **common)
    client.enable_logging(ClusterIdentifier="good", BucketName="logs")

    def edit(parsed: dict, params: dict) -> None:  # moto keeps a retention of 1 day when asked for 0
        for cluster in parsed.get("Clusters") or []:
            if cluster["ClusterIdentifier"] == "bad":
                cluster["AutomatedSnapshotRetentionPeriod"] = 0

    edit_answer(monkeypatch, "DescribeClusters", edit, "redshift")
    return {"good": "cluster:good", "bad": "cluster:bad"}


def file_systems(session, monkeypatch) -> Labels:
    """moto has no ListProtectedResources: the good file system has an AWS Backup recovery point."""
    efs = session.client("efs")
    good = efs.create_file_system(CreationToken="good", Backup=True)
    bad = efs.create_file_system(CreationToken="bad")
    protected(monkeypatch, [good["FileSystemArn"]])
    return {"good": good["FileSystemId"], "bad": bad["FileSystemId"]}


def tables(session, monkeypatch) -> Labels:
    """moto has no ListProtectedResources: the good table has an AWS Backup recovery point."""
    client = session.client("dynamodb")
    key = {"KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}],
           "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}], "BillingMode": "PAY_PER_REQUEST"}
    good = client.create_table(TableName="good", DeletionProtectionEnabled=True, **key)["TableDescription"]["TableArn"]
    client.create_table(TableName="bad", **key)
    protected(monkeypatch, [good])
    return {"good": "table/good", "bad": "table/bad"}


# --------------------------------------------------------------------------- credentials, threats

def secrets(session, monkeypatch) -> Labels:
    """The never-rotated secret is reported created 200 days ago (moto stamps every secret now)."""
    client = session.client("secretsmanager")
    client.create_secret(Name="good", SecretString="not-a-real-secret", KmsKeyId=KEY)
    client.rotate_secret(SecretId="good", RotationRules={"AutomaticallyAfterDays": 30}, RotateImmediately=False)
    client.create_secret(Name="bad", SecretString="not-a-real-secret")

    def edit(parsed: dict, params: dict) -> None:
        for secret in parsed.get("SecretList") or []:
            if secret["Name"] == "bad":
                secret["CreatedDate"] = days_ago(200)
                secret.pop("LastRotatedDate", None)

    edit_answer(monkeypatch, "ListSecrets", edit, "secretsmanager")
    return {"good": "secret:good", "bad": "secret:bad"}


def certificates(session, monkeypatch) -> Labels:
    """moto never issues a requested certificate: ListCertificates reports both issued, one expiring soon."""
    client = session.client("acm")
    good = client.request_certificate(DomainName="good.example.org")["CertificateArn"]
    bad = client.request_certificate(DomainName="bad.example.org")["CertificateArn"]
    pending = client.request_certificate(DomainName="pending.example.org")["CertificateArn"]

    def edit(parsed: dict, params: dict) -> None:
        for cert in parsed.get("CertificateSummaryList") or []:
            if cert["CertificateArn"] in (good, bad):
                cert["Status"] = "ISSUED"
                cert["NotAfter"] = NOW + timedelta(days=200 if cert["CertificateArn"] == good else 5)

    edit_answer(monkeypatch, "ListCertificates", edit, "acm")
    return {"good": good, "bad": bad, "pending": pending}


def analyzers(session, monkeypatch) -> Labels:
    """moto has no Access Analyzer: us-east-1 has an active account analyzer, eu-west-1 only a disabled one."""

    def answer(params: dict, region: str | None) -> dict:
        status = "ACTIVE" if region == "us-east-1" else "DISABLED"
        return {"analyzers": [{"arn": f"arn:aws:access-analyzer:{region}:{ACCOUNT}:analyzer/a", "name": "a",
                               "type": "ACCOUNT", "createdAt": NOW, "status": status}]}

    model_answers(monkeypatch, {"ListAnalyzers": answer})
    return {"good": ":us-east-1:", "bad": ":eu-west-1:"}


def policies(session, monkeypatch) -> Labels:
    iam = session.client("iam")

    def document(action: str, resource: str = "*") -> str:
        return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action,
                                                                   "Resource": resource}]})

    iam.create_policy(PolicyName="good", PolicyDocument=document("s3:GetObject", "arn:aws:s3:::data/*"))
    iam.create_policy(PolicyName="bad", PolicyDocument=document("*"))
    iam.create_policy(PolicyName="wide", PolicyDocument=document("s3:*"))
    for name, action in (("good-role", "s3:GetObject"), ("bad-role", "*:*")):
        iam.create_role(RoleName=name, AssumeRolePolicyDocument="{}")
        iam.put_role_policy(RoleName=name, PolicyName="inline", PolicyDocument=document(action))
    iam.create_group(GroupName="ops-admins")
    iam.put_group_policy(GroupName="ops-admins", PolicyName="admin", PolicyDocument=document("*"))
    return {"good": "policy/good", "bad": "policy/bad", "wide": "policy/wide", "good-role": "role/good-role#",
            "bad-role": "role/bad-role#", "group": "group/ops-admins#"}


def findings(session, monkeypatch) -> Labels:
    """moto has no GuardDuty findings: us-east-1 holds a high finding open 20 days, eu-west-1 one open 2 days."""
    for region in ("us-east-1", "eu-west-1"):
        client = session.client("guardduty", region_name=region)
        if not client.list_detectors()["DetectorIds"]:
            client.create_detector(Enable=True)

    def found(params: dict, region: str | None) -> dict:
        age = 20 if region == "us-east-1" else 2
        return {"Findings": [{"AccountId": ACCOUNT, "Arn": "arn:aws:guardduty:x", "CreatedAt": days_ago(age).isoformat(),
                              "Id": "f1", "Region": region, "Resource": {}, "SchemaVersion": "2.0", "Severity": 8.0,
                              "Type": "UnauthorizedAccess:EC2/SSHBruteForce", "UpdatedAt": NOW.isoformat(),
                              "Service": {"EventFirstSeen": days_ago(age).isoformat(), "Archived": False}}]}

    model_answers(monkeypatch, {"ListFindings": {"FindingIds": ["f1"]}, "GetFindings": found})
    return {"bad": ":us-east-1:", "good": ":eu-west-1:"}


def trail(session, monkeypatch, selectors: dict[str, Any] | None = None, log_group: bool = False) -> str:
    session.client("s3").create_bucket(Bucket="trail-logs")
    client = session.client("cloudtrail")
    extra = {}
    if log_group:
        session.client("logs").create_log_group(logGroupName="trail")
        extra = {"CloudWatchLogsLogGroupArn": f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:trail:*",
                 "CloudWatchLogsRoleArn": role(session, "trail")}
    client.create_trail(Name="main", S3BucketName="trail-logs", IsMultiRegionTrail=True, **extra)
    client.start_logging(Name="main")
    if selectors:
        client.put_event_selectors(TrailName="main", **selectors)
    return "main"


SEEDS = (eks, sagemaker, endpoint_configs, replication_instances, task_definitions, dax, kinesis, ecr, msk, emr,
         instances, ssm, network_acls, subnets, route_tables, ssm_documents, vault_policies, lambdas, buckets,
         classic_elbs, elbv2s, web_acls, api_stages, rds_instances, rds_clusters, redshift, file_systems, tables,
         secrets, certificates, analyzers, policies, findings, volumes, caches, domains, keys)


ROOT_PATTERN = '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'


def seed_everything(session, monkeypatch, log_group: str = "trail") -> None:
    """Every seed above, plus an alarm chain on the trail log group ``log_group`` (a trail delivering
    there must exist) and a second trail whose S3 data events name one tagged bucket."""
    for seed in SEEDS:
        seed(session, monkeypatch)
    session.client("logs").put_metric_filter(
        logGroupName=log_group, filterName="root", filterPattern=ROOT_PATTERN,
        metricTransformations=[{"metricName": "root", "metricNamespace": "CIS", "metricValue": "1"}])
    sns = session.client("sns")
    topic = sns.create_topic(Name="security")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="security@example.org")
    session.client("cloudwatch").put_metric_alarm(
        AlarmName="root", MetricName="root", Namespace="CIS", Statistic="Sum", Period=300, Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold", EvaluationPeriods=1, AlarmActions=[topic])
    s3 = session.client("s3")
    s3.create_bucket(Bucket="phi-records")
    s3.put_bucket_tagging(Bucket="phi-records", Tagging={"TagSet": [{"Key": "data", "Value": "ephi"}]})
    client = session.client("cloudtrail")
    client.create_trail(Name="data", S3BucketName="phi-records")
    client.put_event_selectors(TrailName="data", EventSelectors=[{"ReadWriteType": "All", "DataResources": [
        {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::phi-records/"]}]}])


def answer_moto_gaps(monkeypatch) -> None:
    """Empty, model-shaped answers for the calls a moto server has no handler for, so a scan of an
    account seeded for other controls sees "none" rather than an emulator error (whose text changes
    from one retry to the next, e.g. under a throttling test)."""
    model_answers(monkeypatch, {"ListAnalyzers": {"analyzers": []}, "ListFindings": {"FindingIds": []},
                                "ListProtectedResources": {"Results": []},
                                "DescribeInstanceInformation": {"InstanceInformationList": []},
                                "ListResourceComplianceSummaries": {"ResourceComplianceSummaryItems": []},
                                "ListFunctionUrlConfigs": {"FunctionUrlConfigs": []},
                                "GetBackupVaultAccessPolicy": Refusal("ResourceNotFoundException", 404)})
