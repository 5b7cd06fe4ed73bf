#!/usr/bin/env python3
"""label.py - propose the identifier spans of the corpus, apply the
reviewed decisions of review.tsv, and write FILE.spans.

    python3 tests/corpus/label.py            # rewrite every aws/**.spans
    python3 tests/corpus/label.py --check    # exit 1 if a .spans would change
    python3 tests/corpus/label.py --residue  # list unlabelled ID-like words

The rules here are written from KINDS.md, issue #13 and the AWS
documentation, never from awsmask's code, so the labels do not inherit
its blind spots.  They are deliberately broad; review.tsv drops what
they take by mistake and adds what they miss, and --residue lists the
words still worth a look.  README.md states the convention.
"""

import fnmatch
import ipaddress
import os
import re
import sys

sys.dont_write_bytecode = True      # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpuslib as cl  # noqa: E402

# ---------------------------------------------------------------- words

REGIONS = re.compile(rb'^(?:us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov|us-iso[a-z]*)-'
                     rb'(?:north|south|east|west|central|northeast|southeast|'
                     rb'northwest|southwest|isob?-east)-[0-9]$')

# Values that are never a customer's identifier: placeholders and AWS's
# own constant names.
PLACEHOLDERS = {
    b'default', b'none', b'null', b'true', b'false', b'example', b'examples',
    b'string', b'name', b'value', b'resource', b'user', b'users', b'role',
    b'id', b'arn', b'key', b'yes', b'no', b'all', b'enabled', b'disabled',
    b'-', b'--', b'...', b'*', b'n/a', b'unknown', b'test-value',
    # field names written where a value goes
    b'role_name', b'role-name', b'rolename', b'user-name', b'username', b'user_name',
    b'user-id', b'userid', b'bucket-name', b'bucketname', b'bucket_name', b'account-id',
    b'accountid', b'account_id', b'function-name', b'table-name', b'cluster-name',
    b'policy-name', b'group-name', b'key-name', b'session-name', b'session_name',
    b'role_session_name', b'role-session-name', b'account_name', b'resource-name',
    b'resource_name', b'secret-name', b'stack-name', b'queue-name', b'topic-name',
    b'system:anonymous', b'kubernetes-admin', b'root', b'cognitoidentitycredentials',
    b'bucket', b'function', b'your-bucket', b'my-bucket-name', b'region', b'redacted',
    # AWS managed policy names
    b'administratoraccess', b'poweruseraccess', b'readonlyaccess', b'securityaudit',
    b'amazons3fullaccess', b'amazonec2fullaccess', b'amazondynamodbfullaccess',
}

# AWS-owned name prefixes: AWS managed constants, not a customer's names.
AWS_CONST_PREFIX = (b'AWSServiceRole', b'AWS-', b'AWSReservedSSO', b'aws/',
                    b'aws:', b'Amazon', b'default.', b'default:', b'com.amazonaws.',
                    b'AWSCloudFormation', b'FARGATE', b'/aws/service/')

COMMON_WORDS = set(b'''
about above access account action active admin admins after again alarm alias
all allow alpha amazon and any api app apps archive audit auth backup backups
base basic batch beta bob blue bucket build cache can cert certs change check
client cloud cluster code config console core create cron daily data database
date debug default delete demo deny deploy deployment desktop dev develop
development devops disabled docs domain east email enabled engineering error
event events example file files finance first for from front function gamma
general global gold green group guest hello home host http https image images
info infra input internal item items job jobs john jane key keys lambda last
launch layer live local log logging logs main manager marketing master media
member message metrics mobile monitor monitoring my name network new node
notes object off on ops order orders output owner page password path payments
policy pool primary private prod production project public queue read reader
records red region release report reports request resource role root rule run
sales sample scripts search secondary secret secrets security server service
session shared site source stack stage staging standard static status storage
store stream support sync system table task team temp test testing tests
third time token topic trail update upload user users value vault version
video web website west work worker write writer credentials credential config
configuration virtual state states integration integ sample samples simple
standard standards subscription subscriptions instance instances cluster clusters
'''.split())


def is_placeholder(v):
    lv = v.lower()
    if lv in PLACEHOLDERS:
        return True
    if not v or re.search(rb'[<>{}$%*]|\.\.\.|xxx|XXX', v):
        return True
    if re.match(rb'^[A-Z][A-Z0-9_]*_[A-Z0-9_]+$', v) and not re.search(rb'[0-9]{4}', v):
        return True       # MY_BUCKET_NAME style placeholders
    if re.match(rb'^[A-Z][A-Z0-9]*(?:[-_][A-Z0-9]+)+$', v) and re.search(rb'NAME|\bID\b|ARN|YOUR|ACCOUNT|REGION|_ID|-ID', v):
        return True       # SOURCE-BUCKET-NAME, ACCOUNT-ID
    if v.startswith(AWS_CONST_PREFIX) or v.startswith(b'system:'):
        return True       # AWS's names; Kubernetes built-in users and groups
    if REGIONS.match(v):
        return True
    return False


# ---------------------------------------------------------------- views

PUNCT = set(b'\\`*_{}[]()#+-.!<>|~\'"=:/')


def make_view(data, markdown):
    """Markdown in the AWS documentation escapes punctuation (10\\.0\\.1\\.5,
    eni\\-1234...).  Rules run on a view with those backslashes removed;
    idx maps each view byte back to its file offset."""
    if not markdown:
        return data, None
    out = bytearray()
    idx = []
    i = 0
    n = len(data)
    while i < n:
        c = data[i]
        if c == 0x5c and i + 1 < n and data[i + 1] in PUNCT and data[i + 1] != 0x5c:
            i += 1
            continue
        out.append(c)
        idx.append(i)
        i += 1
    idx.append(n)
    return bytes(out), idx


# ---------------------------------------------------------------- proposals

class Labels:
    """Proposed spans in view coordinates, with a priority each: where two
    overlap, the higher priority (then the longer) wins."""

    def __init__(self, view):
        self.view = view
        self.items = []

    def add(self, s, e, kind, ctx, prio):
        v = self.view[s:e]
        # trim separators a loose rule may have taken
        while kind != 'IPV6' and e > s and self.view[e - 1:e] in (b'.', b',', b';', b':', b')', b'"', b"'", b'`', b'\\'):
            e -= 1
        while s < e and self.view[s:s + 1] in (b'"', b"'", b'`', b'('):
            s += 1
        if e <= s:
            return
        v = self.view[s:e]
        if kind not in cl.KINDS:
            raise SystemExit('label.py: unknown kind %s' % kind)
        self.items.append((s, e, kind, ctx, prio))

    def resolve(self):
        items = sorted(self.items, key=lambda t: (-t[4], -(t[1] - t[0]), t[0]))
        taken = []
        for it in items:
            s, e = it[0], it[1]
            if any(s < te and ts < e for ts, te, *_ in taken):
                continue
            taken.append(it)
        return sorted(taken)


# An ID may be glued to an underscore (123456789012_vpcflowlogs_..._fl-1234abcd_...)
WB = rb'(?<![A-Za-z0-9-])'
WE = rb'(?![A-Za-z0-9])(?!-[A-Za-z0-9])'

# ---- prefixed IDs

ID_PREFIX = [
    # longest first where one prefix extends another
    ('eni-attach', 'ENI'), ('eni', 'ENI'), ('i', 'EC2'), ('ami', 'AMI'),
    ('vol', 'EBS_VOL'), ('snap', 'SNAPSHOT'), ('sgr', 'SG_RULE'), ('sg', 'SG'),
    ('subnet-cidr-assoc', 'AWS_ID'), ('subnet', 'SUBNET'),
    ('vpc-cidr-assoc', 'AWS_ID'), ('vpce-svc', 'VPCE'), ('vpce', 'VPCE'),
    ('vpc', 'VPC'), ('eigw', 'IGW'), ('igw', 'IGW'), ('nat', 'NAT_GW'),
    ('rtbassoc', 'RTB'), ('rtb', 'RTB'), ('aclassoc', 'NACL'), ('acl', 'NACL'),
    ('eipalloc', 'EIP'), ('eipassoc', 'EIP'), ('tgw-attach', 'TGW'),
    ('tgw-rtb', 'TGW'), ('tgw', 'TGW'), ('pcx', 'PCX'), ('lt', 'LT'),
    ('dopt', 'DOPT'), ('key', 'KEY_PAIR'), ('pl', 'PL'), ('cgw', 'VPN'),
    ('vgw', 'VPN'), ('vpn', 'VPN'), ('r', 'RESERVATION'), ('sir', 'SPOT'),
    ('fleet', 'FLEET'), ('fsmt', 'EFS'), ('fsap', 'EFS'), ('fs', 'EFS'),
    ('fsvol', 'EFS'), ('cvpn-endpoint', 'CVPN'), ('ipam-pool', 'IPAM'),
    ('ipam', 'IPAM'), ('h', 'HOST_ID'), ('fl', 'FLOW_LOG'),
    ('cr', 'CAPACITY_RES'), ('crf', 'CAPACITY_RES'), ('mi', 'SSM_NODE'),
]
ID_KIND = dict(ID_PREFIX)
HEX_ID = re.compile(WB + rb'((?:[a-z][a-z0-9]*-)*[a-z][a-z0-9]*)-([0-9a-f]{17}|[0-9a-f]{8})' + WE)
# words that are never an ID prefix even before 8 hex digits
NOT_ID_PREFIX = {b'commit', b'sha', b'build', b'release', b'version', b'rev',
                 b'x', b'v', b'ec2-user'}

KNOWN_PREFIX = b'|'.join(re.escape(p.encode()) for p, _ in ID_PREFIX)
LOOSE_ID = re.compile(WB + rb'(' + KNOWN_PREFIX + rb')-([0-9a-zA-Z]{3,24})' + WE)
GENERIC_EXAMPLE_ID = re.compile(WB + rb'((?:[a-z][a-z0-9]*-)*[a-z][a-z0-9]*)-([0-9a-f]{2,16}(?:EXAMPLE|example)[0-9a-f]*)' + WE)

OTHER_IDS = [
    (rb'sfr-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-fA-Z]{12}', 'SPOT'),
    (rb'd-[0-9a-f]{10}', 'DIRECTORY'),
    (rb'o-[a-z0-9]{10,32}', 'ORG'),
    (rb'ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}', 'ORG'),
    (rb'r-(?:[a-z0-9]{4}|example[a-z0-9]*)', 'ORG'),
    (rb'j-[A-Z0-9]{8,}', 'EMR'),
    (rb'dx(?:con|vif|lag|gw)-[a-z0-9]{8}', 'AWS_ID'),
    (rb'rslvr-(?:in|out|rr|rrassoc|fw|fwg|fwr|qlc|qlcassoc|autodefined-rr)-[0-9a-f]{17}', 'AWS_ID'),
    (rb'ws-[a-z0-9]{9}', 'AWS_ID'),
    (rb'db-[A-Z0-9]{26}', 'RDS'),
    (rb'cluster-[A-Z0-9]{26}', 'RDS'),
    (rb'mrk-[0-9a-f]{32}', 'KMS_KEY'),
    (rb'(?:us|eu|ap|sa|ca|me|af|il)-[a-z]+-[0-9]_[A-Za-z0-9]{9}(?!_)', 'COGNITO_POOL'),
    (rb'(?:us|eu|ap|sa|ca|me|af|il)-[a-z]+-[0-9]:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', 'COGNITO_POOL'),
]


def rule_ids(v, L):
    for m in HEX_ID.finditer(v):
        prefix, hexpart = m.group(1), m.group(2)
        kind = ID_KIND.get(prefix.decode())
        if kind is None:
            # the longest known prefix ending the word list
            parts = prefix.split(b'-')
            for k in range(1, len(parts)):
                tail = b'-'.join(parts[k:]).decode()
                if tail in ID_KIND:
                    kind = None     # 'my-vpc-...': a name, not an ID
                    break
            if prefix in NOT_ID_PREFIX or len(prefix) > 24:
                continue
            if not (re.search(rb'[0-9]', hexpart) and re.search(rb'[a-f]', hexpart)):
                continue
            kind = 'AWS_ID'
        L.add(m.start(), m.end(), kind, 'form', 60)
    for pat, kind in OTHER_IDS:
        for m in re.finditer(WB + pat + WE, v):
            if b'XXX' not in m.group(0):     # j-XXXXXXXX is a placeholder
                L.add(m.start(), m.end(), kind, 'form', 60)
    # IDs as documentation writes them: a known prefix and a body with a
    # digit or EXAMPLE that is not 8 or 17 hex (vpc-abc123, sg-1234,
    # subnet-8EXAMPLE, ami-0123456789abcdefg)
    for m in LOOSE_ID.finditer(v):
        body = m.group(2)
        if not (re.search(rb'[0-9]', body) or re.search(rb'(?i)example', body)):
            continue
        if re.fullmatch(rb'[0-9]{1,3}', body) and m.group(1) not in (b'sg', b'vpc', b'subnet', b'i'):
            continue
        L.add(m.start(), m.end(), ID_KIND[m.group(1).decode()], 'form', 58)
    for m in GENERIC_EXAMPLE_ID.finditer(v):
        if m.group(1) in NOT_ID_PREFIX:
            continue
        L.add(m.start(), m.end(), ID_KIND.get(m.group(1).decode(), 'AWS_ID'), 'form', 57)
    for m in re.finditer(rb'/hostedzone/(Z[A-Z0-9]{6,32})(?![A-Za-z0-9])', v):
        L.add(m.start(1), m.end(1), 'ROUTE53_ZONE', 'form', 60)


# ---- credentials

KEY_ID = re.compile(WB + rb'((?:AKIA|ASIA|AIDA|AROA|AIPA|ANPA|ANVA|APKA|AGPA|ABIA|ACCA|ASCA)[A-Z0-9]{8,24})(?::([A-Za-z0-9_+=,.@-]+))?(?![A-Za-z0-9])')


def rule_keys(v, L):
    for m in KEY_ID.finditer(v):
        kind = 'ACCESS_KEY' if m.group(1)[:4] in (b'AKIA', b'ASIA') else 'IAM_ID'
        L.add(m.start(1), m.end(1), kind, 'form', 70)
        if m.group(2) and not is_placeholder(m.group(2)):
            L.add(m.start(2), m.end(2), 'IAM_SESSION', 'form', 70)
    # session tokens by their well-known starts
    for m in re.finditer(rb'(?<![A-Za-z0-9+/])(?:FwoGZXIvYXdz|IQoJb3JpZ2lu|AQoDYXdz|AQoEXAMPLE)[A-Za-z0-9+/=]{16,}', v):
        L.add(m.start(), m.end(), 'SESSION_TOKEN', 'form', 70)


# ---- network

IPV4 = re.compile(rb'(?<![0-9A-Za-z.])((?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3})(?![0-9]|\.[0-9])')
IPV6 = re.compile(rb'(?<![0-9A-Za-z:.])((?:[0-9A-Fa-f]{1,4}:){1,7}:?(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?|::(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{1,4})(?![0-9A-Za-z:])')


def ip_kind(addr):
    ip = ipaddress.ip_address(addr)
    if addr in ('0.0.0.0', '255.255.255.255') or ip.is_loopback:
        return None
    if addr.startswith('169.254.169.') or addr.startswith('255.'):
        return None      # instance metadata, DNS, NTP; netmasks
    if any(ip in ipaddress.ip_network(n) for n in
           ('10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10')):
        return 'PRIVATE_IP'      # RFC 1918 and carrier-grade NAT, as KINDS.md
    return 'PUBLIC_IP'


def rule_ips(v, L):
    for m in IPV4.finditer(v):
        before = v[max(0, m.start() - 12):m.start()]
        if (re.search(rb'(?i)(version|[a-z]/|\bv)\s*$', before) or
                re.search(rb'(?i)[a-z]-(tools|cli|sdk|agent) $', before)) \
                and not re.search(rb'(?i)(ip|addr)[a-z]*/$', before):
            continue     # Chrome/131.0.0.0, version 1.2.3.4
        a = m.group(1).decode()
        k = ip_kind(a)
        if k:
            L.add(m.start(1), m.end(1), k, 'form', 50)
    for m in IPV6.finditer(v):
        a = m.group(1).decode()
        if a.count(':') < 2:
            continue
        try:
            ip = ipaddress.IPv6Address(a)
        except ValueError:
            continue
        if ip.is_loopback or ip.is_unspecified:
            continue
        if not re.search(r'[0-9a-fA-F]{3}', a) and '::' not in a:
            continue
        if re.fullmatch(r'[0-9]{1,2}(:[0-9]{2}){1,3}', a):
            continue     # times
        L.add(m.start(1), m.end(1), 'IPV6', 'form', 50)


# ---- ARNs

ARN = re.compile(rb'(?:arn:(aws[a-z-]*):|\{arn-aws\})([a-z0-9.-]*):([a-z0-9-]*):([0-9]{10,13}|[0-9]{5,12}EXAMPLE|aws|\*|[a-z-]*):([^\s"\'<>,\\\])}`|;]+)')

ARN_KIND = {
    ('iam', 'role'): 'IAM_ROLE', ('iam', 'user'): 'IAM_USER',
    ('iam', 'policy'): 'IAM_POLICY', ('iam', 'group'): 'IAM_GROUP',
    ('iam', 'instance-profile'): 'RESOURCE_NAME',
    ('sts', 'assumed-role'): 'IAM_ROLE', ('sts', 'federated-user'): 'IAM_SESSION',
    ('lambda', 'function'): 'LAMBDA', ('dynamodb', 'table'): 'DYNAMODB_TABLE',
    ('elasticloadbalancing', 'loadbalancer'): 'ELB',
    ('elasticloadbalancing', 'targetgroup'): 'TARGET_GROUP',
    ('elasticloadbalancing', 'listener'): 'ELB',
    ('ecs', 'cluster'): 'ECS_CLUSTER', ('ecs', 'service'): 'ECS_SERVICE',
    ('ecs', 'task'): 'ECS_TASK', ('ecs', 'task-definition'): 'ECS_TASK',
    ('eks', 'cluster'): 'EKS_CLUSTER', ('kms', 'key'): 'KMS_KEY',
    ('acm', 'certificate'): 'CERT', ('secretsmanager', 'secret'): 'SECRET',
    ('ssm', 'parameter'): 'PARAM', ('cloudformation', 'stack'): 'STACK',
    ('rds', 'db'): 'RDS', ('rds', 'cluster'): 'RDS', ('rds', 'snapshot'): 'RDS',
    ('rds', 'cluster-snapshot'): 'RDS', ('logs', 'log-group'): 'LOG_GROUP',
    ('route53', 'hostedzone'): 'ROUTE53_ZONE', ('cloudfront', 'distribution'): 'CF_DIST',
    ('elasticache', 'cluster'): 'ELASTICACHE', ('redshift', 'cluster'): 'REDSHIFT',
}
ARN_KIND_SVC = {'sns': 'SNS_TOPIC', 'sqs': 'SQS_QUEUE', 's3': 'BUCKET'}
# segments inside a resource that are AWS's words, not names
ARN_WORDS = {b'app', b'net', b'gwy', b'stream', b'index', b'service-role', b'*',
             b'aws-service-role', b'aws-reserved', b'sso.amazonaws.com', b'table',
             b'log-stream', b'stage', b'version', b'alias', b'layer', b'$LATEST',
             b'execution', b'finding', b'id', b'account', b'ou', b'root',
             b'restapis', b'stages', b'deployments', b'GET', b'POST', b'PUT',
             b'DELETE', b'ANY', b'PATCH', b'HEAD', b'OPTIONS', b'resources',
             b'methods', b'listener-rule', b'protected', b'policy'}


def id_kind(t):
    """The kind of T when T alone is an ID of a known shape, else None."""
    if re.fullmatch(rb'[0-9]{12}', t):
        return 'ACCOUNT'
    m = HEX_ID.fullmatch(t) or LOOSE_ID.fullmatch(t)
    if m and m.group(1).decode() in ID_KIND:
        return ID_KIND[m.group(1).decode()]
    for pat, kind in OTHER_IDS:
        if re.fullmatch(pat, t):
            return kind
    return None


def rule_arns(v, L):
    for m in ARN.finditer(v):
        part, svc, region, acct, res = m.groups()
        svcs = svc.decode()
        end = m.end(5)
        while end > m.start(5) and v[end - 1:end] in (b'.', b':'):
            end -= 1
        cut = v.find(b'/arn:', m.start(5), end)
        if cut >= 0:
            end = cut       # an ARN inside an ARN: the inner one is matched on its own
        res = v[m.start(5):end]
        if re.fullmatch(rb'[0-9]{10,13}|[0-9]{5,12}EXAMPLE', acct):
            L.add(m.start(4), m.end(4), 'ACCOUNT', 'form', 80)
        if acct in (b'aws', b'cloudfront'):
            continue      # AWS managed policy, CloudFront OAI user: AWS's own
        base = m.start(5)
        if svcs == 's3' and not acct:
            b = re.match(rb'[^/]+', res)
            if b and not is_placeholder(b.group(0)) and not b.group(0).startswith(b'accesspoint'):
                L.add(base, base + b.end(), 'BUCKET', 'form', 80)
            continue
        if svcs in ('sns', 'sqs') and b'/' not in res:
            seg = res.split(b':')[0]
            if not is_placeholder(seg):
                L.add(base, base + len(seg), ARN_KIND_SVC[svcs], 'form', 80)
            continue
        mt = re.match(rb'([A-Za-z0-9-]+)([/:])', res)
        if not mt:
            if not is_placeholder(res):
                L.add(base, end, ARN_KIND_SVC.get(svcs, 'ARN_RESOURCE'), 'form', 80)
            continue
        rtype = mt.group(1).decode()
        kind = ARN_KIND.get((svcs, rtype), 'ARN_RESOURCE')
        pos = mt.end()
        rest = res[pos:]
        if svcs == 'securityhub' and rtype in ('ruleset', 'standards', 'standard', 'subscription',
                                               'control', 'product', 'hub'):
            continue
        if svcs == 'iam' and rtype == 'mfa' and rest == b'root-account-mfa-device':
            continue
        if svcs == 'iam' and rest.startswith(b'aws-service-role/'):
            continue
        if svcs == 'iam' and rest.startswith(b'aws-reserved/'):
            last = rest.rsplit(b'/', 1)[-1]     # AWSReservedSSO_<permission set>_<hex>
            if last.startswith(b'AWSReservedSSO_'):
                L.add(base + pos + len(rest) - len(last), base + pos + len(rest), 'IAM_ROLE', 'form', 80)
            continue
        if svcs == 'logs' and rtype == 'log-group':
            lg = rest.split(b':')[0]
            mm = re.match(rb'/aws/[a-z0-9-]+(?:/[a-z0-9-]+)?/', lg) if lg.startswith(b'/aws/') else None
            s0 = mm.end() if mm else 0
            if lg[s0:] and not is_placeholder(lg[s0:]):
                L.add(base + pos + s0, base + pos + len(lg), 'LOG_GROUP', 'form', 80)
            continue
        if svcs == 'ssm' and rtype == 'parameter' and rest.startswith(b'aws/'):
            continue
        if svcs == 'secretsmanager':
            seg = rest.split(b':')[0]
            if not is_placeholder(seg):
                L.add(base + pos, base + pos + len(seg), 'SECRET', 'form', 80)
            continue
        if svcs == 'ecs' and rtype == 'task-definition':
            seg = rest.split(b':')[0]
            L.add(base + pos, base + pos + len(seg), 'ECS_TASK', 'form', 80)
            continue
        if svcs == 'sts' and rtype == 'assumed-role':
            segs = rest.split(b'/')
            off = 0
            for i, sg in enumerate(segs):
                if sg and not is_placeholder(sg):
                    L.add(base + pos + off, base + pos + off + len(sg),
                          'IAM_ROLE' if i == 0 else 'IAM_SESSION', 'form', 80)
                off += len(sg) + 1
            continue
        # generic: every segment that is not AWS's word, a number or a
        # placeholder
        off = pos
        for sg in re.split(rb'([/:])', rest):
            if sg in (b'/', b':'):
                off += 1
                continue
            if sg and sg not in ARN_WORDS and not re.fullmatch(rb'v?[0-9][0-9.]*', sg) \
                    and not re.match(rb'[0-9]{4}-[0-9]{2}-[0-9]{2}', sg) \
                    and not is_placeholder(sg) and not sg.endswith(b'.amazonaws.com'):
                L.add(base + off, base + off + len(sg), id_kind(sg) or kind, 'form', 80)
            off += len(sg)


# ---- host names and URLs

HOST = re.compile(rb'(?<![A-Za-z0-9.-])((?:[A-Za-z0-9-]+\.)+(?:amazonaws\.com(?:\.cn)?|on\.aws|cloudfront\.net|compute\.internal|ec2\.internal|awsapps\.com|amazoncognito\.com|amplifyapp\.com|elasticbeanstalk\.com))(?![A-Za-z0-9])')
# labels that are AWS's: services, endpoint words
HOST_WORDS = set(b'''
s3 s3-website s3-control s3-accelerate dualstack dkr ecr rds elb compute compute-1
execute-api cache es eks vpce lambda-url elasticbeanstalk redshift redshift-serverless
sqs sns sts iam ec2 kms logs monitoring events email ssm secretsmanager api
console signin oidc cognito-idp cognito-identity auth dynamodb streams kinesis
firehose cloudtrail cloudformation elasticloadbalancing autoscaling route53
cloudfront apigateway states codebuild codecommit codedeploy git-codecommit
ecs ecs-tasks eks-fargate-pods lambda edgelambda vpc-flow-logs delivery
guardduty securityhub config organizations sso portal account glue athena
s3-outposts outposts appsync servicecatalog backup elasticfilesystem efs fsx
amazonaws www awsapps internal elasticmapreduce ebs emr-serverless
replication batch ssmmessages ec2messages data fips queue awscli acs iotevents
inbound-smtp clientvpn prod s3-object-lambda
'''.split()) | {b'gr7', b'sk1', b'yl4', b'proxy'}
SERVICE_PRINCIPALS = {b'logging.s3.amazonaws.com', b'storage-lens.s3.amazonaws.com', b'delivery.logs.amazonaws.com',
                      b'billingreports.amazonaws.com', b'access-analyzer.amazonaws.com'}


def host_kind(labels):
    t = b'.'.join(labels)
    if b'.rds.' in t:
        return 'RDS'
    if b'.elb.' in t:
        return 'ELB'
    if b'execute-api' in t:
        return 'API_GW'
    if t.endswith(b'cloudfront.net'):
        return 'CLOUDFRONT'
    if b'.eks.' in t:
        return 'EKS_CLUSTER'
    if b'.cache.' in t:
        return 'ELASTICACHE'
    if b'.es.' in t:
        return 'OPENSEARCH'
    if b'.redshift.' in t:
        return 'REDSHIFT'
    if b'.lambda-url.' in t:
        return 'LAMBDA'
    if b'.dkr.ecr.' in t:
        return 'ACCOUNT'
    if re.search(rb'(^|\.)s3([.-]|$)', t):
        return 'BUCKET'
    if b'.vpce.' in t:
        return 'VPCE'
    if t.endswith(b'internal') or b'.compute' in t:
        return 'EC2_HOST'
    return 'HOST'


def rule_hosts(v, L):
    for m in HOST.finditer(v):
        host = m.group(1)
        if host.lower() in SERVICE_PRINCIPALS:
            continue
        if v[m.start(1) - 1:m.start(1)] == b'%' and re.match(rb'[0-9A-Fa-f]{2}', host):
            host = host[2:]     # %22ec2.amazonaws.com: the %22 is an escape
        labels = host.split(b'.')
        # drop the AWS suffix and then, from the right, regions and AWS words
        i = len(labels)
        while i > 0:
            lab = labels[i - 1].lower()
            if lab in (b'com', b'cn', b'net', b'aws', b'on', b'amazonaws', b'internal',
                       b'cloudfront', b'awsapps', b'amazoncognito', b'amplifyapp',
                       b'elasticbeanstalk') or lab in HOST_WORDS or REGIONS.match(lab) \
                    or re.fullmatch(rb's3[.-]?(?:website|external)?-?[a-z]{2}-[a-z]+-[0-9]', lab) \
                    or re.fullmatch(rb'[a-z]{2}-[a-z]+-[0-9][a-z]?', lab):
                i -= 1
                continue
            break
        s3at = next((j for j, lab in enumerate(labels) if j > 0 and
                     re.fullmatch(rb's3(?:[.-](?:website|external|dualstack|accesspoint|control))?(?:-[a-z]{2}-[a-z]+-[0-9])?', lab.lower())),
                    None)
        if s3at is not None and not host.lower().startswith((b'logging.', b'storage-lens.')):
            i = s3at
        if i == 0:
            continue
        left = labels[:i]
        kind = 'BUCKET' if s3at is not None and i == s3at else host_kind(labels)
        start = m.start(1) + (len(m.group(1)) - len(host))
        end = start + len(b'.'.join(left))
        ident = v[start:end]
        if kind == 'VPCE' and len(left) == 1:
            # a zonal endpoint name, vpce-ID-label-us-east-1b: the
            # Availability Zone is AWS's, like the Region after it
            az = re.search(rb'-[a-z]{2}-[a-z]+-[0-9][a-z]$', ident)
            if az:
                end -= len(az.group(0))
                ident = v[start:end]
        if is_placeholder(ident):
            continue
        if kind == 'BUCKET' and len(left) > 1 and left[-1] in (b's3',):
            pass
        L.add(start, end, kind, 'form', 75)


URL_RULES = [
    (re.compile(rb'(?i)s3://([a-z0-9][a-z0-9._-]{1,62})'), 'BUCKET'),
    (re.compile(rb'(?i)https?://s3[.-](?:[a-z0-9-]+\.)?amazonaws\.com(?:\.cn)?/([a-z0-9][a-z0-9._-]{1,62})'), 'BUCKET'),
]
SQS_URL = re.compile(rb'https?://(?:sqs\.[a-z0-9-]+\.|[a-z0-9-]+\.queue\.|queue\.)amazonaws\.com(?:\.cn)?/([0-9]{12}|[0-9]{5,12}EXAMPLE)/([A-Za-z0-9_.-]+)')


def rule_elb_names(v, L):
    """app/NAME/ID and net/NAME/ID outside ARNs: access logs, CloudWatch
    dimensions."""
    for m in re.finditer(rb'(?<![A-Za-z0-9/:_-])(?:app|net|gwy)/([A-Za-z0-9-]{1,32})/([0-9a-f]{16})(?![0-9A-Za-z])', v):
        L.add(m.start(1), m.end(1), 'ELB', 'form', 70)
        L.add(m.start(2), m.end(2), 'ELB', 'form', 70)
    for m in re.finditer(rb'(?<![A-Za-z0-9/:_-])targetgroup/([A-Za-z0-9-]{1,32})/([0-9a-f]{16})(?![0-9A-Za-z])', v):
        L.add(m.start(1), m.end(1), 'TARGET_GROUP', 'form', 70)
        L.add(m.start(2), m.end(2), 'TARGET_GROUP', 'form', 70)


def rule_urls(v, L):
    for m in re.finditer(rb'oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?/id/([A-Za-z0-9]{16,40})', v):
        L.add(m.start(1), m.end(1), 'EKS_CLUSTER', 'form', 78)
    for m in re.finditer(rb'(?<![A-Za-z0-9])(?:id|ID)=([0-9a-f]{64})(?![0-9a-f])', v):
        L.add(m.start(1), m.end(1), 'S3_CANONICAL', 'key', 45)    # --grants full=id=...
    # bucket names of ListBuckets: <Bucket><Name>x</Name> and "Buckets": [{"Name": "x"}]
    for m in re.finditer(rb'<Bucket>\s*<Name>([^<]+)</Name>', v):
        L.add(m.start(1), m.end(1), 'BUCKET', 'key', 40)
    for m in re.finditer(rb'"Buckets"\s*:\s*\[', v):
        end = v.find(b']', m.end())
        for q in re.finditer(rb'"Name"\s*:\s*"([^"]+)"', v[m.end():end]):
            L.add(m.end() + q.start(1), m.end() + q.end(1), 'BUCKET', 'key', 40)
    for rx, kind in URL_RULES:
        for m in rx.finditer(v):
            if re.match(rb'/[0-9]{4}-[0-9]{2}-[0-9]{2}/', v[m.end(1):m.end(1) + 12]):
                continue     # an XML namespace: http://s3.amazonaws.com/doc/2006-03-01/
            if not is_placeholder(m.group(1)):
                L.add(m.start(1), m.end(1), kind, 'form', 78)
    for m in SQS_URL.finditer(v):
        L.add(m.start(1), m.end(1), 'ACCOUNT', 'form', 78)
        if not is_placeholder(m.group(2)):
            L.add(m.start(2), m.end(2), 'SQS_QUEUE', 'form', 78)


# ---- keys and flags

def norm(key):
    return re.sub(rb'[^a-z0-9]', b'', key.lower()).decode()


ACCOUNT_KEYS = {'accountid', 'awsaccountid', 'ownerid', 'owner', 'account', 'accounts',
                'accountids', 'recipientaccountid', 'requesterid', 'registryid',
                'sourceaccount', 'awssourceaccount', 'awsprincipalaccount',
                'peerownerid', 'delegatedadminaccountid', 'owners', 'userid',
                'ownerids', 'awsaccount', 'userids', 'awsaccountids', 'targetaccount',
                'principal', 'principals', 'aws', 'accountnumber', 'vpcpeeringconnectionownerid',
                'eC2securitygroupownerid'.lower(), 'sourceowner', 'accesspointaccount',
                'adminaccountid', 'masteraccountid', 'manageraccountid', 'callingaccount',
                'memberaccountid', 'requesteraccountid', 'accepteraccountid',
                'destinationaccount', 'targetaccountid', 'sourceaccountid',
                'destinationaccountid', 'awsaccountnumber', 'ownersid'}
SECRET_KEYS = {'secretaccesskey', 'awssecretaccesskey', 'secretkey', 'awssecretkey',
               'secret', 'secretaccesskeyid'}
TOKEN_KEYS = {'sessiontoken', 'awssessiontoken', 'awssecuritytoken', 'securitytoken', 'token',
              'webidentitytoken'}
KMS_KEYS = {'keyid', 'kmskeyid', 'targetkeyid', 'kmsmasterkeyid', 'sourcekeyid',
            'destinationkeyid', 'kmskeyarn', 'keyarn', 'sseawskmskeyid',
            'kmskey', 'encryptionkey', 'kmsmasterkeyarn', 'masterkeyid', 'kmskeyidentifier'}
ZONE_KEYS = {'hostedzoneid', 'canonicalhostedzoneid', 'hostedzone', 'zoneid',
             'canonicalhostedzonenameid', 'delegationsetid'}
DIST_KEYS = {'distributionid', 'cloudfrontoriginaccessidentity', 'originaccessidentity',
             'originaccessidentityid'}
CANONICAL_KEYS = {'id', 'canonicaluser', 'ownerid', 'canonicaluserid', 'bucketowner', 'requester',
                  'grantee', 'displayid', 'principalid'}
# naming keys: normalised key -> kind
NAME_KEYS = {
    'rolename': 'IAM_ROLE', 'username': 'IAM_USER', 'policyname': 'IAM_POLICY',
    'groupname': 'RESOURCE_NAME', 'instanceprofilename': 'RESOURCE_NAME',
    'functionname': 'LAMBDA', 'tablename': 'DYNAMODB_TABLE',
    'queuename': 'SQS_QUEUE', 'topicname': 'SNS_TOPIC', 'clustername': 'RESOURCE_NAME',
    'cluster': 'RESOURCE_NAME', 'stackname': 'STACK', 'bucketname': 'BUCKET',
    'bucket': 'BUCKET', 's3bucket': 'BUCKET', 's3bucketname': 'BUCKET',
    'targetbucket': 'BUCKET', 'destinationbucket': 'BUCKET', 'sourcebucket': 'BUCKET',
    's3bucketprefix': None, 'awsbucket': 'BUCKET',
    'dbinstanceidentifier': 'RDS', 'dbclusteridentifier': 'RDS',
    'dbsnapshotidentifier': 'RDS', 'dbclustersnapshotidentifier': 'RDS',
    'sourcedbinstanceidentifier': 'RDS', 'targetdbinstanceidentifier': 'RDS',
    'dbname': 'RDS', 'cacheclusterid': 'ELASTICACHE', 'replicationgroupid': 'ELASTICACHE',
    'clusteridentifier': 'REDSHIFT', 'loadbalancername': 'ELB',
    'loadbalancernames': 'ELB', 'targetgroupname': 'TARGET_GROUP',
    'repositoryname': 'RESOURCE_NAME', 'loggroupname': 'LOG_GROUP',
    'logstreamname': 'RESOURCE_NAME', 'keyname': 'RESOURCE_NAME',
    'secretid': 'SECRET', 'secretname': 'SECRET', 'parametername': 'PARAM',
    'alarmname': 'RESOURCE_NAME', 'rulename': 'RESOURCE_NAME', 'trailname': 'RESOURCE_NAME',
    'statemachinename': 'RESOURCE_NAME', 'servicename': 'ECS_SERVICE', 'service': 'ECS_SERVICE',
    'family': 'ECS_TASK', 'taskdefinition': 'ECS_TASK', 'nodegroupname': 'RESOURCE_NAME',
    'autoscalinggroupname': 'RESOURCE_NAME', 'autoscalinggroupnames': 'RESOURCE_NAME',
    'launchtemplatename': 'RESOURCE_NAME', 'launchconfigurationname': 'RESOURCE_NAME',
    'streamname': 'RESOURCE_NAME', 'deliverystreamname': 'RESOURCE_NAME',
    'pipelinename': 'RESOURCE_NAME', 'projectname': 'RESOURCE_NAME',
    'applicationname': 'RESOURCE_NAME', 'environmentname': 'RESOURCE_NAME',
    'databasename': 'RESOURCE_NAME', 'crawlername': 'RESOURCE_NAME', 'jobname': 'RESOURCE_NAME',
    'userpoolname': 'RESOURCE_NAME', 'identitypoolname': 'RESOURCE_NAME',
    'clientname': 'RESOURCE_NAME', 'backupvaultname': 'RESOURCE_NAME', 'vaultname': 'RESOURCE_NAME',
    'indexname': 'RESOURCE_NAME', 'aliasname': 'RESOURCE_NAME', 'dbsubnetgroupname': 'RDS',
    'dbparametergroupname': 'RDS', 'optiongroupname': 'RDS', 'dbsecuritygroupname': 'RDS',
    'cachesubnetgroupname': 'ELASTICACHE', 'capacityprovidername': 'RESOURCE_NAME',
    'containername': 'RESOURCE_NAME', 'lifecyclehookname': 'RESOURCE_NAME',
    'prefixlistname': 'RESOURCE_NAME', 'displayname': 'RESOURCE_NAME',
    'rolesessionname': 'IAM_SESSION', 'sessionname': 'IAM_SESSION',
    'brokername': 'RESOURCE_NAME', 'detectorname': 'RESOURCE_NAME',
    'eventbusname': 'RESOURCE_NAME', 'roles': 'IAM_ROLE', 'rolenames': 'IAM_ROLE',
    'usernames': 'IAM_USER', 'groupnames': 'RESOURCE_NAME', 'functionnames': 'LAMBDA',
    'tablenames': 'DYNAMODB_TABLE', 'queuenames': 'SQS_QUEUE', 'stacknames': 'STACK',
    'bucketnames': 'BUCKET', 'clusternames': 'RESOURCE_NAME', 'clusters': 'RESOURCE_NAME',
    'targetgroupnames': 'TARGET_GROUP', 'keynames': 'RESOURCE_NAME',
    'filesystemname': 'RESOURCE_NAME', 'workgroup': 'RESOURCE_NAME',
    'domainname': 'RESOURCE_NAME', 'apiname': 'RESOURCE_NAME', 'restapiname': 'RESOURCE_NAME',
    'instancename': 'RESOURCE_NAME', 'serverless': None, 'myeventwindowname': 'RESOURCE_NAME',
    'computername': 'RESOURCE_NAME', 'tenantname': 'RESOURCE_NAME',
    'vpcname': 'RESOURCE_NAME', 'subnetname': 'RESOURCE_NAME', 'scalingpolicyname': 'RESOURCE_NAME',
    'volumename': 'RESOURCE_NAME', 'eventwindowname': 'RESOURCE_NAME',
    'loggroup': 'LOG_GROUP', 'logstream': 'RESOURCE_NAME', 'awslogsgroup': 'LOG_GROUP',
    'awslogsstreamprefix': 'RESOURCE_NAME', 'thingname': 'RESOURCE_NAME',
    'resourcesharename': 'RESOURCE_NAME', 'gatewayname': 'RESOURCE_NAME',
    'connectionname': 'RESOURCE_NAME', 'directoryname': 'RESOURCE_NAME',
    'shortname': 'RESOURCE_NAME', 'workspacename': 'RESOURCE_NAME',
    'executionname': None, 'ssorolename': 'IAM_ROLE',
    'ssoaccountid': None, 'rolearn': None, 
    'ssostarturl': None, 'mfaserial': None, 'awss3bucket': 'BUCKET', 'externalid': 'RESOURCE_ID',
    'rolesessionnames': 'IAM_SESSION', 'nodegroup': 'RESOURCE_NAME',
    'stack': 'STACK', 'stacksetname': 'STACK', 'table': 'DYNAMODB_TABLE', 'function': 'LAMBDA',
    'queue': 'SQS_QUEUE', 'topic': 'SNS_TOPIC', 'secretarn': None,
}
# keys whose value is an opaque ID worth labelling when no other rule took it
TRANSIENT_ID_KEYS = {'id', 'runtimeid', 'prowid', 'auditid', 'cachepolicyid', 'originrequestpolicyid',
                     'responseheaderspolicyid', 'currentkeymaterialid', 'keymaterialid',
                     'handshakeid', 'createaccountrequestid', 'exampleid', 'policyidentifier',
                     'xksproxyconnectivity', 'requesttoken', 'keyidentifier', 'resolverruleid2',
                     'p_row_id', 'pparseid', 'pruleid', 'ruleid', 'pcsourceid',
                     'psourceid', 'plogtype', 'pevent', 'pdeviceid', 'matchingruleid',
                     'detectortypeid', 'productfield', 'awsaccount2','requestid', 'eventid', 'messageid', 'changeid', 'clienttoken',
                     'etag', 'callerreference', 'sharedeventid', 'requestparameters',
                     'xamzrequestid', 'xamzid2', 'invocationid', 'recordid', 'correlationid',
                     'traceid', 'requestid2', 'commandid', 'executionid', 'deploymentid',
                     'imageid2', 'attachmentid2', 'uploadid', 'querydefinitionid', 'queryid',
                     'hostid', 'tokenid', 'apiid2', 'sequencenumber', 'shardid', 'eventsourceid',
                     'configurationid', 'notificationid', 'subscriptionid', 'receipthandle',
                     'md5ofbody', 'awsrequestid', 'lambdarequestid', 'jobid', 'taskid2',
                     'sessionid', 'nextmarker', 'marker', 'nexttoken', 'sid', 'statementid',
                     'logicalresourceid', 'physicalresourceid2', 'insightid', 'findingid',
                     'eventsource', 'policyid', 'stackid2', 'datapointid', 'deviceid',
                     'productid', 'codeid', 'buildid', 'templateid', 'invalidationid',
                     'operationid', 'automationexecutionid', 'reservedinstancesid',
                     'offeringid', 'reservedinstancesofferingid', 'importtaskid',
                     'exporttaskid', 'conversiontaskid', 'bundleid', 'certificateid',
                     'serialnumber', 'fingerprint', 'keyfingerprint', 'imageowneralias',
                     'ownertype', 'ownername', 'owneralias', 'eventtypeid', 'typeid'}

KEY_LIT = rb'(?:"([A-Za-z0-9_:.-]+)"|\'([A-Za-z0-9_:.-]+)\'|([A-Za-z_][A-Za-z0-9_.:-]*))'
# "key": "value" | "key": 123 | key: value | key=value | key = value
KV = re.compile(rb'(?<![A-Za-z0-9_-])' + KEY_LIT +
                rb'([ \t]*[:=][ \t]*)(?:"((?:[^"\\\n]|\\.)*)"|\'([^\'\n]*)\'|([^\s,"\'\]\)}{\[;|]+))')
XMLKV = re.compile(rb'<([A-Za-z][A-Za-z0-9_.:-]*)>([^<>\n]+)</\1>')
JSON_LIST = re.compile(rb'"([A-Za-z0-9_:.-]+)"\s*:\s*\[(\s*"(?:[^"\\\n]|\\.)*"\s*(?:,\s*"(?:[^"\\\n]|\\.)*"\s*)*)\]')
YAML_LIST = re.compile(rb'(?m)^([ \t]*)-?[ \t]*([A-Za-z0-9_.-]+):[ \t]*\n((?:\1[ \t]*-[ \t]+[^\n]*\n)+)')
FLAG = re.compile(rb'(?<![A-Za-z0-9-])--([a-z][a-z0-9-]*)((?:[ \t]+(?:\\\n[ \t]*)?(?!--)(?:"[^"\n]*"|\'[^\'\n]*\'|[^\s\\]+))+)')


def classify_value(key, val, s, e, ctx, L, fmt_is_json=False):
    """Label VAL (view offsets s..e) found under KEY, if KEY says what it is."""
    k = norm(key)
    if not val or s >= e:
        return
    if k in ACCOUNT_KEYS:
        found = False
        for m in re.finditer(rb'(?<![0-9])[0-9]{12}(?![0-9])', val):
            L.add(s + m.start(), s + m.end(), 'ACCOUNT', ctx, 40)
            found = True
        if found or k != 'userid':
            return
    if k in SECRET_KEYS:
        if re.fullmatch(rb'[A-Za-z0-9/+=]{16,}', val) and not is_placeholder(val):
            L.add(s, e, 'SECRET_KEY', ctx, 40)
        return
    if k in TOKEN_KEYS:
        if re.fullmatch(rb'[A-Za-z0-9/+=%|_-]{32,}', val):
            L.add(s, e, 'SESSION_TOKEN', ctx, 40)
        return
    if k in ('accesskeyid', 'awsaccesskeyid', 'accesskey'):
        if re.fullmatch(rb'[A-Z0-9]{12,}', val) and not is_placeholder(val):
            L.add(s, e, 'ACCESS_KEY', ctx, 40)
        return
    if k in ('dbiresourceid', 'dbclusterresourceid', 'resourceid') and re.fullmatch(rb'(?:db|cluster)-[A-Za-z0-9]{8,}', val):
        L.add(s, e, 'RDS', ctx, 40)
        return
    if k in ('id', 'cloudfrontoriginaccessidentityid') and re.fullmatch(rb'E[A-Z0-9]{7,14}', val):
        L.add(s, e, 'CF_DIST', ctx, 40)
        return
    if k in ('principalid', 'assumedroleid', 'federateduserid') or k == 'userid' and not re.fullmatch(rb'[0-9]{12}', val):
        m = re.fullmatch(rb'([A-Za-z0-9]{6,32})(?::(.+))?', val)
        if m and not is_placeholder(m.group(1)):
            if not re.fullmatch(rb'[0-9]{12}', m.group(1)):
                L.add(s, s + m.end(1), 'IAM_ID', ctx, 40)
            else:
                L.add(s, s + m.end(1), 'ACCOUNT', ctx, 40)
            if m.group(2) and not is_placeholder(m.group(2)):
                L.add(s + m.start(2), e, 'IAM_SESSION', ctx, 40)
        return
    if k in KMS_KEYS:
        m = re.fullmatch(rb'(?:alias/)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-fA-Z]{12}|mrk-[0-9a-f]{32}|[0-9a-f]{32})', val)
        if m:
            L.add(s + m.start(1), s + m.end(1), 'KMS_KEY', ctx, 40)
        elif val.startswith(b'alias/') and not val.startswith(b'alias/aws/') and not is_placeholder(val[6:]):
            L.add(s + 6, e, 'RESOURCE_NAME', ctx, 40)
        return
    if k in ZONE_KEYS:
        m = re.search(rb'Z[A-Z0-9]{6,32}', val)
        if m:
            L.add(s + m.start(), s + m.end(), 'ROUTE53_ZONE', ctx, 40)
        return
    if k in DIST_KEYS:
        m = re.search(rb'E[A-Z0-9]{8,14}', val)
        if m:
            L.add(s + m.start(), s + m.end(), 'CF_DIST', ctx, 40)
        return
    if ('ipaddress' in k or k in ('privateip', 'publicip', 'ip', 'sourceip', 'clientip', 'remoteip')) \
            and re.fullmatch(rb'(?:[0-9]{1,3}-){3}[0-9]{1,3}', val):
        a = val.replace(b'-', b'.').decode()
        try:
            kind = ip_kind(a)
        except ValueError:
            kind = None
        if kind:
            L.add(s, e, kind, ctx, 40)     # 10-0-0-157: an address written with hyphens
        return
    if k in CANONICAL_KEYS and (re.fullmatch(rb'[0-9a-f]{64}', val) or
                                k != 'id' and re.fullmatch(rb'[0-9a-f]{32,63}', val)):
        L.add(s, e, 'S3_CANONICAL', ctx, 40)
        return
    if k in NAME_KEYS:
        kind = NAME_KEYS[k]
        if kind is None:
            return
        if kind == 'BUCKET' and val.startswith(b'arn:'):
            return
        if re.match(rb'(arn:|s3://|https?://)', val) or is_placeholder(val):
            return
        if kind == 'RESOURCE_NAME' and re.search(rb'\.[A-Za-z]', val) and b'@' not in val:
            return      # a host or domain name, not a resource name
        if k in ('servicename', 'service') and (b'.' in val or val.lower() in HOST_WORDS):
            return
        if norm(val) == k:
            return      # {RoleName:RoleName} in a --query
        if not re.fullmatch(rb'[A-Za-z0-9][A-Za-z0-9_./:@+=-]{0,254}', val):
            return
        if k in ('family', 'taskdefinition'):
            m = re.match(rb'[^:]+', val)
            e = s + m.end()
        m = re.fullmatch(rb'rds:(.+)-[0-9]{4}(?:-[0-9]{2}){4}', val)
        if kind == 'RDS' and m:
            # an automated snapshot: rds: and the time are AWS's, the
            # instance's name is the identifier
            s, e = s + m.start(1), s + m.end(1)
        L.add(s, e, kind, ctx, 30)
        return
    if (k.endswith('id') or k.endswith('ids')) and k not in TRANSIENT_ID_KEYS:
        if re.fullmatch(rb'[A-Za-z0-9][A-Za-z0-9_.:-]{5,}', val) and re.search(rb'[0-9]', val) \
                and not re.fullmatch(rb'[0-9]{1,11}', val) and not is_placeholder(val) \
                and not re.fullmatch(rb'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', val) \
                and not REGIONS.match(val) and not re.fullmatch(rb'[0-9.]+', val) \
                and not re.fullmatch(rb'[a-z]{2}-[a-z]+-[0-9][a-z]', val) \
                and not re.fullmatch(rb'[a-z]+[0-9]*-az[0-9]+', val) and b'.' not in val \
                and not re.match(rb'[0-9]{4}-[0-9]{2}-[0-9]{2}', val):
            L.add(s, e, 'RESOURCE_ID', ctx, 20)


def rule_keyvalues(v, L):
    for m in KV.finditer(v):
        key = m.group(1) or m.group(2) or m.group(3)
        for g in (5, 6, 7):
            if m.group(g) is not None:
                classify_value(key, m.group(g), m.start(g), m.end(g), 'key', L)
                break
    for m in XMLKV.finditer(v):
        classify_value(m.group(1), m.group(2).strip(), m.start(2) + (len(m.group(2)) - len(m.group(2).lstrip())),
                       m.start(2) + len(m.group(2).rstrip()), 'key', L)
    # lists: "Key": ["a", "b"] and YAML key:\n - a\n - b
    for m in JSON_LIST.finditer(v):
        first = True
        for q in re.finditer(rb'"((?:[^"\\\n]|\\.)*)"', m.group(2)):
            s = m.start(2) + q.start(1)
            classify_value(m.group(1), q.group(1), s, s + len(q.group(1)), 'key' if first else 'list', L)
            first = False
    for m in YAML_LIST.finditer(v):
        first = True
        for q in re.finditer(rb'(?m)^[ \t]*-[ \t]+["\']?([^"\'\n#]+?)["\']?[ \t]*$', m.group(3)):
            s = m.start(3) + q.start(1)
            classify_value(m.group(2), q.group(1), s, s + len(q.group(1)), 'key' if first else 'list', L)
            first = False


FLAG_ALIAS = {
    'instance-ids': 'instanceid', 'instance-id': 'instanceid', 'owners': 'owners',
    'bucket': 'bucket', 'bucket-name': 'bucketname', 'key-id': 'keyid',
    'target-key-id': 'targetkeyid', 'hosted-zone-id': 'hostedzoneid', 'id': 'id',
    'distribution-id': 'distributionid', 'secret-id': 'secretid', 'name': None,
    'web-identity-token': 'webidentitytoken',
    'group-name': 'groupname', 'group-names': 'groupnames', 'table-name': 'tablename',
    'queue-name': 'queuename', 'queue-url': None, 'function-name': 'functionname',
    'role-name': 'rolename', 'user-name': 'username', 'policy-name': 'policyname',
    'stack-name': 'stackname', 'cluster': 'cluster', 'cluster-name': 'clustername',
    'service': 'service', 'services': 'service', 'task-definition': 'taskdefinition',
    'family': 'family', 'account-id': 'accountid', 'owner-id': 'ownerid',
    'peer-owner-id': 'peerownerid', 'source-account': 'sourceaccount',
    'accounts': 'accounts', 'account-ids': 'accountids', 'principal': 'principal',
    'delegated-admin-account-id': 'delegatedadminaccountid',
    'user-ids': 'userids', 'key-name': 'keyname', 'log-group-name': 'loggroupname',
    'log-stream-name': 'logstreamname', 'db-instance-identifier': 'dbinstanceidentifier',
    'db-cluster-identifier': 'dbclusteridentifier', 'db-snapshot-identifier': 'dbsnapshotidentifier',
    'cache-cluster-id': 'cacheclusterid', 'replication-group-id': 'replicationgroupid',
    'cluster-identifier': 'clusteridentifier', 'load-balancer-name': 'loadbalancername',
    'load-balancer-names': 'loadbalancernames', 'names': None,
    'repository-name': 'repositoryname', 'auto-scaling-group-name': 'autoscalinggroupname',
    'auto-scaling-group-names': 'autoscalinggroupnames', 'launch-template-name': 'launchtemplatename',
    'launch-configuration-name': 'launchconfigurationname', 'nodegroup-name': 'nodegroupname',
    'role-session-name': 'rolesessionname', 'instance-profile-name': 'instanceprofilename',
    'topic-name': None, 'parameter-name': 'parametername', 'trail-name': 'trailname',
    'user-pool-id': None, 'registry-id': 'registryid', 'target-group-name': 'targetgroupname',
    'alias-name': 'aliasname', 'profile': None, 'sso-role-name': 'ssorolename',
    'table': 'tablename', 'serial-number': None, 'db-name': 'dbname',
    'db-subnet-group-name': 'dbsubnetgroupname', 'secret-access-key': 'secretaccesskey',
    'access-key-id': 'accesskeyid', 'session-token': 'sessiontoken',
    'detector-id': 'detectorid', 'rule': 'rulename', 'rule-name': 'rulename', 'user-pool-name': 'userpoolname', 'pool-name': 'userpoolname',
}


def rule_flags(v, L):
    for m in FLAG.finditer(v):
        flag = m.group(1).decode()
        key = FLAG_ALIAS.get(flag, flag)
        if key is None:
            continue
        first = True
        plural = flag.endswith('s') and not flag.endswith('ss')
        for q in re.finditer(rb'"([^"\n]*)"|\'([^\'\n]*)\'|([^\s\\]+)', m.group(2)):
            g = 1 if q.group(1) is not None else 2 if q.group(2) is not None else 3
            val = q.group(g)
            s = m.start(2) + q.start(g)
            if val.startswith((b'{', b'[', b'file:', b'fileb:', b'Key=', b'Name=', b'[{')):
                break
            if re.search(rb'[=,]', val) and not re.fullmatch(rb'[A-Za-z0-9/+=]{30,}', val):
                break
            classify_value(key.encode(), val, s, s + len(val), 'flag' if first else 'list', L)
            first = False
            if not plural:
                break


# ---- tags and shorthand

def rule_tags(v, L):
    pats = [
        rb'Key=Name,Value=("?)([^\s,"\'}\]]+)\1',
        rb'"Key"\s*:\s*"Name"\s*,\s*"Value"\s*:\s*"([^"]+)"',
        rb'"Value"\s*:\s*"([^"]+)"\s*,\s*"Key"\s*:\s*"Name"',
        rb'(?m)-\s*Key:\s*Name\s*\n\s*Value:\s*["\']?([^\s"\'#]+)',
        rb'<key>Name</key>\s*<value>([^<]+)</value>',
        rb'(?i)"key"\s*:\s*"Name"\s*,\s*"value"\s*:\s*"([^"]+)"',
        rb'\bName\s*=\s*"([^"$]+)"',            # tags = { Name = "x" } (HCL)
        rb'TAG\s+\S+\s+Name\s+([^\s]+)',         # text output: TAG ... Name value
        rb'\|\s+Name\s+\|\s+([A-Za-z0-9._-]+)\s+\|',   # table output
    ]
    for p in pats:
        for m in re.finditer(p, v):
            g = m.lastindex
            val = m.group(g)
            if is_placeholder(val) or val.startswith(b'${'):
                continue
            L.add(m.start(g), m.end(g), 'RESOURCE_NAME', 'tag', 35)
    for m in re.finditer(rb'aws:cloudformation:stack-name"?[,\s]*"?(?:Value"?\s*[:=]\s*)?"?([A-Za-z][A-Za-z0-9-]*)', v):
        L.add(m.start(1), m.end(1), 'STACK', 'tag', 35)
    for m in re.finditer(rb'aws:autoscaling:groupName"?[,\s]*"?(?:Value"?\s*[:=]\s*)?"?([A-Za-z0-9][A-Za-z0-9_.-]*)', v):
        L.add(m.start(1), m.end(1), 'RESOURCE_NAME', 'tag', 35)
    # Filter shorthand: Name=instance-id,Values=i-1,i-2 ; Name=tag:Name,Values=x
    for m in re.finditer(rb'Name=([a-z:A-Z.-]+),Values=([^\s"\']+)', v):
        fname = m.group(1).lower()
        key = None
        if fname in (b'tag:name',):
            key = b'name-tag'
        elif fname.endswith(b'-name') or fname.endswith(b'-id') or fname in (b'owner-id', b'vpc-id', b'group-name'):
            key = fname
        if key is None:
            continue
        off = m.start(2)
        first = True
        for val in m.group(2).split(b','):
            if val and not is_placeholder(val):
                if key == b'name-tag':
                    L.add(off, off + len(val), 'RESOURCE_NAME', 'tag', 35)
                elif key.endswith(b'-name'):
                    L.add(off, off + len(val), 'RESOURCE_NAME', 'key' if first else 'list', 30)
                else:
                    classify_value(key, val, off, off + len(val), 'key' if first else 'list', L)
            off += len(val) + 1
            first = False


# ---- prose, paths, log fields

def rule_prose(v, L):
    for m in re.finditer(rb'(?i)(?:account(?:s)?(?: id| number| ids)?|owner|account-id)[\s:*`\'"(]*(?:is\s+|of\s+|=\s*)?[*`\'"]*([0-9]{12})(?![0-9])', v):
        L.add(m.start(1), m.end(1), 'ACCOUNT', 'prose', 25)
    # "named X", "called X" with optional markup
    for m in re.finditer(rb'\b(?:named|called)\s+(``|`|\*\*|\*|"|\')?([A-Za-z0-9][A-Za-z0-9_.@/+-]*[A-Za-z0-9])(``|`|\*\*|\*|"|\')?', v):
        val = m.group(2)
        marked = m.group(1) and m.group(3)
        if is_placeholder(val) or re.search(rb'\.(json|txt|yaml|yml|zip|py|sh|pem|csv)$', val):
            continue
        if not marked and not re.search(rb'[-_0-9]|[a-z][A-Z]', val):
            continue
        if val.lower() in COMMON_WORDS or val.lower() in (b'profile', b'profiles', b'credentials', b'config'):
            continue
        m_start = m.start(2)
        L.add(m_start, m.end(2), 'RESOURCE_NAME', 'prose', 15)
    for m in re.finditer(rb'(?i)hosted[ -]zone[^\n.]{0,40}?(?<![A-Za-z0-9])(Z[A-Z0-9]{6,32})\b', v):
        L.add(m.start(1), m.end(1), 'ROUTE53_ZONE', 'prose', 25)
    for m in re.finditer(rb'(?i)(?:distribution|Origin Access Identity)[^\n.]{0,40}?(?<![A-Za-z0-9])(E[A-Z0-9]{8,14})\b', v):
        L.add(m.start(1), m.end(1), 'CF_DIST', 'prose', 25)
    for m in re.finditer(rb'(?i)\bkey(?: id)?[\s:`\'"]*([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b', v):
        L.add(m.start(1), m.end(1), 'KMS_KEY', 'prose', 25)


def rule_urlencoded(v, L):
    """ARNs inside URL-encoded policy documents (CloudTrail's CreateRole)."""
    for m in re.finditer(rb'arn%3Aaws[a-z-]*%3A([a-z0-9-]*)%3A[a-z0-9-]*%3A([0-9]{12})%3A([A-Za-z0-9_+=,.@/-]+)', v):
        L.add(m.start(2), m.end(2), 'ACCOUNT', 'form', 80)


def rule_paths(v, L):
    for m in re.finditer(rb'AWSLogs/(?:o-[a-z0-9]+/)?([0-9]{12})(?![0-9])', v):
        L.add(m.start(1), m.end(1), 'ACCOUNT', 'path', 45)
    for m in re.finditer(rb'(?<![0-9A-Za-z])([0-9]{12})_(?:CloudTrail|CloudTrail-Digest|elasticloadbalancing|vpcflowlogs|CloudTrail-Insight)_', v):
        L.add(m.start(1), m.end(1), 'ACCOUNT', 'path', 45)


S3LOG = re.compile(rb'(?m)^(?:[0-9]{1,3}\. )?([0-9a-f]{64}) (\S+) \[[^\]]+\] (\S+) (\S+) ')
FLOWISH = re.compile(rb'(?m)^.*\beni-[0-9a-f]+.*$')


def rule_fields(v, L):
    for m in S3LOG.finditer(v):
        L.add(m.start(1), m.end(1), 'S3_CANONICAL', 'field', 45)
        L.add(m.start(2), m.end(2), 'BUCKET', 'field', 45)
        req = m.group(4)
        if re.fullmatch(rb'[0-9a-f]{64}', req):
            L.add(m.start(4), m.end(4), 'S3_CANONICAL', 'field', 45)
    for m in FLOWISH.finditer(v):
        line = m.group(0)
        if not re.match(rb'\s*(?:[0-9]|-|i-)', line):
            continue
        for q in re.finditer(rb'(?<![0-9A-Za-z-])([0-9]{12})(?![0-9])', line):
            L.add(m.start() + q.start(1), m.start() + q.end(1), 'ACCOUNT', 'field', 45)


def rule_twelve(v, L):
    """Every other 12-digit number: proposed as an account, for review."""
    for m in re.finditer(rb'(?<![0-9A-Za-z])([0-9]{12})(?![0-9A-Za-z])', v):
        before = v[max(0, m.start() - 40):m.start()]
        if re.search(rb'[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-$', before) \
                or before.endswith(b'shardId-') or m.group(1) == b'0' * 12:
            continue     # the tail of a UUID, a Kinesis shard
        ctx = 'prose'
        if re.search(rb'[:=]\s*["\']?$', before):
            ctx = 'key'
        elif re.search(rb'--[a-z-]+\s+$', before):
            ctx = 'flag'
        L.add(m.start(1), m.end(1), 'ACCOUNT', ctx, 10)


# ---- learnt names

# kinds whose bare later occurrences are labelled like names: they were
# recognised by their context once, and the same value is the same ID
LEARNT_KINDS = {'IAM_SESSION', 'ROUTE53_ZONE', 'CF_DIST', 'KMS_KEY', 'RESOURCE_ID',
                'SECRET_KEY', 'SESSION_TOKEN', 'S3_CANONICAL', 'ACCOUNT', 'IAM_ID',
                'ACCESS_KEY'}


def rule_learnt(v, spans):
    """Later bare occurrences of a name labelled in the file, as whole
    words; names under 4 characters or common words are not propagated
    (issue #13)."""
    names = {}
    for s, e, kind, ctx, prio in sorted(spans, key=lambda t: (t[3] in ('prose', 'learnt'), t[0])):
        if kind in cl.NAME_KINDS or kind in LEARNT_KINDS:
            t = v[s:e]
            if len(t) >= 4 and t.lower() not in COMMON_WORDS and not t.isdigit():
                names.setdefault(t, kind)
    out = []
    for t, kind in names.items():
        for m in re.finditer(rb'(?<![A-Za-z0-9_.@-])' + re.escape(t) + rb'(?![A-Za-z0-9_@-])(?!\.[A-Za-z0-9])', v):
            out.append((m.start(), m.end(), kind, 'learnt', 5))
    return out


RULES = [rule_arns, rule_hosts, rule_urls, rule_elb_names, rule_ids, rule_keys, rule_ips,
         rule_keyvalues, rule_flags, rule_tags, rule_prose, rule_paths,
         rule_fields, rule_twelve, rule_urlencoded]

# ---------------------------------------------------------------- review


def load_review(path):
    """review.tsv: one decision a line, fields separated by tabs:
        drop  PATHGLOB  TEXT  [why]        drop proposals whose text is TEXT
        kind  PATHGLOB  TEXT  KIND [why]   relabel them as KIND
        ctx   PATHGLOB  TEXT  CTX  [why]   give them context CTX
        add   PATHGLOB  TEXT  KIND  CTX [why]  label every whole-word TEXT
        dropat PATH  OFFSET  [why]         drop the proposal at OFFSET
    TEXT is written as in .spans files."""
    rules = []
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if not line.strip() or line.startswith('#'):
                continue
            p = line.split('\t')
            op = p[0]
            need = {'drop': 3, 'kind': 4, 'ctx': 4, 'add': 5, 'dropat': 3}.get(op)
            if need is None or len(p) < need:
                raise SystemExit('%s:%d: bad review line' % (path, n))
            if op in ('kind', 'add') and p[3] not in cl.KINDS:
                raise SystemExit('%s:%d: unknown kind %s' % (path, n, p[3]))
            if op == 'add' and p[4] not in cl.CONTEXTS:
                raise SystemExit('%s:%d: unknown context %s' % (path, n, p[4]))
            rules.append((n, op, p))
    return rules


def label_file(rel, review, used):
    path = os.path.join(cl.ROOT, rel)
    data = open(path, 'rb').read()
    md = rel.endswith('.md')
    v, idx = make_view(data, md)
    L = Labels(v)
    for r in RULES:
        r(v, L)
    spans = L.resolve()
    # review: drops, kinds, ctx on proposals (file coordinates)
    def fmap(s, e):
        if idx is None:
            return s, e
        return idx[s], idx[e - 1] + 1
    cur = []
    for s, e, kind, ctx, prio in spans:
        fs, fe = fmap(s, e)
        cur.append([fs, fe, kind, ctx, prio, s, e])
    for n, op, p in review:
        if op == 'dropat':
            if p[1] == rel:
                off = int(p[2])
                before = len(cur)
                cur = [c for c in cur if c[0] != off]
                if len(cur) != before:
                    used.add(n)
            continue
        if not fnmatch.fnmatch(rel, p[1]):
            continue
        text = cl.unescape(p[2]).encode('utf-8')
        if op == 'drop':
            keep = [c for c in cur if data[c[0]:c[1]] != text]
            if len(keep) != len(cur):
                used.add(n)
            cur = keep
        elif op in ('kind', 'ctx'):
            for c in cur:
                if data[c[0]:c[1]] == text:
                    c[2 if op == 'kind' else 3] = p[3]
                    used.add(n)
    # a name labelled from prose takes the kind a key or an ARN gave the
    # same text
    best = {}
    for c in cur:
        if c[3] not in ('prose', 'learnt') and c[2] != 'RESOURCE_NAME':
            best.setdefault(data[c[0]:c[1]], c[2])
    for c in cur:
        if c[2] == 'RESOURCE_NAME' and data[c[0]:c[1]] in best:
            c[2] = best[data[c[0]:c[1]]]
    # learnt occurrences, on the reviewed set, in view coordinates
    extra = rule_learnt(v, [(c[5], c[6], c[2], c[3], c[4]) for c in cur])
    for n, op, p in review:
        if op == 'add' and fnmatch.fnmatch(rel, p[1]):
            text = cl.unescape(p[2]).encode('utf-8')
            for m in re.finditer(rb'(?<![A-Za-z0-9])' + re.escape(text) + rb'(?![A-Za-z0-9])', data):
                cur.append([m.start(), m.end(), p[3], p[4], 100, None, None])
                used.add(n)
    final = [(c[0], c[1], c[2], c[3], c[4]) for c in cur]
    for s, e, kind, ctx, prio in extra:
        fs, fe = fmap(s, e)
        final.append((fs, fe, kind, ctx, prio))
    # drops apply to learnt ones too
    for n, op, p in review:
        if op == 'drop' and fnmatch.fnmatch(rel, p[1]):
            text = cl.unescape(p[2]).encode('utf-8')
            final = [f for f in final if data[f[0]:f[1]] != text]
    final.sort(key=lambda t: (-t[4], -(t[1] - t[0]), t[0]))
    taken = []
    for f in final:
        if any(f[0] < t[1] and t[0] < f[1] for t in taken):
            continue
        taken.append(f)
    taken.sort()
    return data, [(s, e - s, kind, ctx, cl.escape(data[s:e])) for s, e, kind, ctx, _ in taken]


HEADER = ['labels of %s: offset, length, kind, context, text',
          'generated by label.py from its rules and review.tsv; see README.md']


SUSPECT = re.compile(rb'(?<![A-Za-z0-9_./-])([A-Za-z0-9][A-Za-z0-9_.:/-]{5,}[A-Za-z0-9])(?![A-Za-z0-9_])')


def residue(rel, data, spans):
    """Words that look like IDs (letters and digits mixed, or long digit
    runs) and carry no label: a reviewer's list, not labels."""
    covered = bytearray(len(data))
    for s, ln, *_ in spans:
        covered[s:s + ln] = b'\x01' * ln
    out = []
    for m in SUSPECT.finditer(data):
        w = m.group(1)
        if any(covered[m.start():m.end()]):
            continue
        if re.fullmatch(rb'[0-9]{12}', w) or \
                (re.search(rb'[0-9]', w) and re.search(rb'[A-Za-z]', w) and len(w) >= 8
                 and not re.fullmatch(rb'[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z?', w)
                 and not re.fullmatch(rb'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', w)):
            out.append(w)
    return out


def main(argv):
    check = '--check' in argv
    show_residue = '--residue' in argv
    only = [a for a in argv if not a.startswith('--')]
    review_path = os.path.join(cl.ROOT, 'review.tsv')
    review = load_review(review_path)
    used = set()
    changed = []
    res = {}
    files = only or cl.corpus_files(cl.POSITIVE)
    for rel in files:
        data, spans = label_file(rel, review, used)
        path = os.path.join(cl.ROOT, rel)
        new = ''.join('# %s\n' % h for h in [HEADER[0] % os.path.basename(rel), HEADER[1]]) + \
            ''.join('%d\t%d\t%s\t%s\t%s\n' % s for s in spans)
        old = open(path + cl.SUFFIX, encoding='utf-8').read() if os.path.exists(path + cl.SUFFIX) else None
        if old != new:
            changed.append(rel)
            if not check:
                with open(path + cl.SUFFIX, 'w', encoding='utf-8') as f:
                    f.write(new)
        if show_residue:
            for w in residue(rel, data, [(s, ln) for s, ln, *_ in spans]):
                res.setdefault(w, []).append(rel)
    if show_residue:
        for w, where in sorted(res.items(), key=lambda t: (-len(t[1]), t[0])):
            print('%d\t%s\t%s' % (len(where), w.decode('utf-8', 'replace'), where[0]))
    if not only:
        for n, op, p in review:
            if n not in used:
                print('label.py: review.tsv:%d: matches nothing: %s' % (n, '\t'.join(p[:3])), file=sys.stderr)
    if check and changed:
        for rel in changed:
            print('label.py: %s.spans is not what the rules and review.tsv give' % rel, file=sys.stderr)
        return 1
    if not check and not show_residue:
        print('label.py: %d files labelled, %d changed' % (len(files), len(changed)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
