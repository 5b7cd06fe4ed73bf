"""corpuslib - what the corpus scripts share: where the files are, the
label vocabulary, and reading and writing *.spans files.

A labels file sits beside its corpus file as FILE.spans.  Lines starting
with '#' are comments; every other line is one identifier:

    offset <TAB> length <TAB> kind <TAB> context <TAB> text

offset and length count bytes of FILE; kind and context come from KINDS
and CONTEXTS below; text is the labelled bytes (UTF-8) with backslash,
tab, CR and LF written as \\\\, \\t, \\r and \\n, so that a reviewer reads
the value and check.py can prove it matches FILE.  Lines are sorted by
offset and never overlap.  See README.md for what is labelled and why.
"""

import os

ROOT = os.path.dirname(os.path.abspath(__file__))
POSITIVE = 'aws'
NEGATIVE = 'negative'
SUFFIX = '.spans'

# Label kinds.  Most are awsmask's token prefixes (awsmask --list-types,
# /work/shared/KINDS.md); the others are classes that issue #13 asks
# for or that real text holds and no kind covers yet.
KINDS = {
    # accounts and credentials
    'ACCOUNT': 'AWS account ID (12 digits)',
    'ACCESS_KEY': 'access key ID (AKIA, ASIA), any length',
    'IAM_ID': 'IAM unique ID (AIDA, AROA, ANPA, ...), any length',
    'IAM_SESSION': 'role session or federated user name (assumed-role/R/NAME, AROA...:NAME)',
    'SECRET_KEY': 'secret access key',
    'SESSION_TOKEN': 'STS session token',
    # prefixed resource IDs
    'EC2': 'instance ID', 'AMI': 'image ID', 'EBS_VOL': 'volume ID',
    'SNAPSHOT': 'snapshot ID', 'SG': 'security group ID',
    'SG_RULE': 'security group rule ID', 'SUBNET': 'subnet ID',
    'VPC': 'VPC ID', 'ENI': 'network interface (attachment) ID',
    'IGW': 'internet gateway ID', 'NAT_GW': 'NAT gateway ID',
    'RTB': 'route table (association) ID', 'NACL': 'network ACL ID',
    'EIP': 'Elastic IP allocation or association ID',
    'TGW': 'transit gateway (attachment, route table) ID',
    'PCX': 'VPC peering ID', 'VPCE': 'VPC endpoint (service) ID',
    'LT': 'launch template ID', 'DOPT': 'DHCP options ID',
    'KEY_PAIR': 'key pair ID', 'PL': 'prefix list ID',
    'VPN': 'VPN, customer or virtual private gateway ID',
    'RESERVATION': 'reservation ID', 'SPOT': 'Spot request ID',
    'FLEET': 'EC2 Fleet ID', 'EFS': 'EFS or FSx ID',
    'CVPN': 'Client VPN endpoint ID', 'IPAM': 'IPAM (pool) ID',
    'HOST_ID': 'dedicated host ID', 'FLOW_LOG': 'flow log ID',
    'CAPACITY_RES': 'capacity reservation ID',
    'SSM_NODE': 'managed node ID (mi-)', 'EMR': 'EMR cluster ID (j-)',
    'DIRECTORY': 'directory ID (d-)', 'ORG': 'Organizations ID (o-, ou-, r-)',
    'AWS_ID': 'other EC2-style ID: <prefix>-<8 or 17 hex> (issue #13 class 2)',
    'COGNITO_POOL': 'Cognito user or identity pool ID',
    'RESOURCE_ID': 'other opaque resource ID under a key naming it (DetectorId, ...)',
    # network
    'PUBLIC_IP': 'public IPv4 address', 'PRIVATE_IP': 'private IPv4 address',
    'IPV6': 'IPv6 address',
    'EC2_HOST': 'EC2 host name label (ip-10-0-0-1, ec2-54-1-2-3)',
    'HOST': 'identifying labels of another AWS host name',
    'API_GW': 'API Gateway ID', 'CLOUDFRONT': 'CloudFront domain label',
    'ELASTICACHE': 'ElastiCache endpoint labels', 'OPENSEARCH': 'OpenSearch domain labels',
    'REDSHIFT': 'Redshift endpoint labels',
    # storage, keys, zones
    'BUCKET': 'S3 bucket name', 'S3_CANONICAL': 'S3 canonical user ID (64 hex)',
    'KMS_KEY': 'KMS key ID', 'ROUTE53_ZONE': 'Route 53 hosted zone ID',
    'CF_DIST': 'CloudFront distribution or origin access identity ID',
    # names (resource part of ARNs, values of naming keys, Name tags)
    'IAM_ROLE': 'IAM role name', 'IAM_USER': 'IAM user name',
    'IAM_POLICY': 'customer managed policy name', 'IAM_GROUP': 'IAM group name',
    'LAMBDA': 'Lambda function name or URL ID', 'SNS_TOPIC': 'SNS topic name',
    'SQS_QUEUE': 'SQS queue name', 'DYNAMODB_TABLE': 'DynamoDB table name',
    'ELB': 'load balancer name or ID', 'TARGET_GROUP': 'target group name or ID',
    'ECS_CLUSTER': 'ECS cluster name', 'ECS_SERVICE': 'ECS service name',
    'ECS_TASK': 'ECS task ID or task definition family',
    'EKS_CLUSTER': 'EKS cluster name or endpoint ID', 'STACK': 'CloudFormation stack name or ID',
    'SECRET': 'Secrets Manager secret name', 'PARAM': 'SSM parameter name',
    'CERT': 'ACM certificate ID', 'LOG_GROUP': 'CloudWatch log group name',
    'RDS': 'RDS / DocumentDB instance, cluster or snapshot name',
    'ARN_RESOURCE': 'resource part of another ARN',
    'RESOURCE_NAME': 'other resource name under a naming key, flag or Name tag',
}

# How the text says that the value is an identifier.  eval.py sorts
# misses into issue #13's classes with the kind, this context and the
# format of the file.
CONTEXTS = {
    'form': 'its own shape: a prefixed ID, an ARN, a host name, a URL, an address',
    'key': 'a key that names it: JSON, YAML, XML, key=value, shorthand',
    'list': 'a later value of a plural key or flag (--instance-ids a b c, [a, b])',
    'flag': 'a CLI flag that names it (--role-name x)',
    'tag': 'the value of a Name tag (Key=Name,Value=x) or an aws: tag',
    'prose': 'the words around it (account 123456789012, the role named x)',
    'path': 'a place in a path or file name (AWSLogs/<account>/, <account>_CloudTrail_)',
    'field': 'a field of a log line (flow log account, S3 log bucket)',
    'learnt': 'a later bare occurrence of a name labelled elsewhere in the file',
}

NAME_KINDS = {'IAM_ROLE', 'IAM_USER', 'IAM_POLICY', 'IAM_GROUP', 'IAM_SESSION',
              'LAMBDA', 'SNS_TOPIC', 'SQS_QUEUE', 'DYNAMODB_TABLE', 'ELB',
              'TARGET_GROUP', 'ECS_CLUSTER', 'ECS_SERVICE', 'ECS_TASK',
              'EKS_CLUSTER', 'STACK', 'SECRET', 'PARAM', 'LOG_GROUP', 'RDS',
              'ARN_RESOURCE', 'RESOURCE_NAME', 'BUCKET', 'REDSHIFT', 'ELASTICACHE',
              'OPENSEARCH'}

SKIP_NAMES = {'README.md', 'SOURCES.md', '.gitattributes'}


def corpus_files(part=None):
    """Yield the corpus files (relative to ROOT), sorted; part is
    POSITIVE, NEGATIVE or None for both."""
    parts = [part] if part else [POSITIVE, NEGATIVE]
    out = []
    for p in parts:
        for dirpath, dirnames, filenames in os.walk(os.path.join(ROOT, p)):
            dirnames.sort()
            for fn in filenames:
                if fn.endswith(SUFFIX) or fn in SKIP_NAMES:
                    continue
                out.append(os.path.relpath(os.path.join(dirpath, fn), ROOT))
    return sorted(out)


def escape(b):
    s = b.decode('utf-8', 'backslashreplace')
    return (s.replace('\\', '\\\\').replace('\t', '\\t')
            .replace('\r', '\\r').replace('\n', '\\n'))


def unescape(s):
    out = []
    i = 0
    while i < len(s):
        c = s[i]
        if c == '\\' and i + 1 < len(s):
            n = s[i + 1]
            out.append({'\\': '\\', 't': '\t', 'r': '\r', 'n': '\n'}.get(n, '\\' + n))
            i += 2
            continue
        out.append(c)
        i += 1
    return ''.join(out)


def read_spans(path):
    """Return [(offset, length, kind, ctx, text)] of PATH.spans, or None
    when there is no labels file.  Raises ValueError on a bad line."""
    sp = path + SUFFIX
    if not os.path.exists(sp):
        return None
    out = []
    with open(sp, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if not line or line.startswith('#'):
                continue
            parts = line.split('\t')
            if len(parts) != 5:
                raise ValueError('%s:%d: expected 5 tab-separated fields' % (sp, n))
            off, ln, kind, ctx, text = parts
            if not off.isdigit() or not ln.isdigit():
                raise ValueError('%s:%d: offset and length must be numbers' % (sp, n))
            out.append((int(off), int(ln), kind, ctx, unescape(text)))
    return out


def write_spans(path, spans, header):
    with open(path + SUFFIX, 'w', encoding='utf-8') as f:
        for h in header:
            f.write('# %s\n' % h)
        for off, ln, kind, ctx, text in spans:
            f.write('%d\t%d\t%s\t%s\t%s\n' % (off, ln, kind, ctx, text))


def file_format(path):
    """The format of a corpus file, by its name: json, ndjson, yaml, xml,
    markdown, rst, asciidoc, log, ini, roff, code or text."""
    ext = os.path.splitext(path)[1].lower()
    return {'.json': 'json', '.ndjson': 'ndjson', '.yml': 'yaml',
            '.yaml': 'yaml', '.xml': 'xml', '.md': 'markdown',
            '.rst': 'rst', '.adoc': 'asciidoc', '.log': 'log',
            '.ini': 'ini', '.1': 'roff', '.py': 'code', '.cc': 'code',
            }.get(ext, 'text')
