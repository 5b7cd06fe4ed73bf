/*
 * Unit tests for the catalogue (lib/kinds.c and the splitters it names):
 * every kind's precision and recall, driven by tables.  An example names
 * one kind, enables only that kind in a scanner, and gives the line with
 * each identifying part replaced by its token prefix
 * ("arn:aws:iam::ACCOUNT:role/IAM_ROLE"); a negative
 * example must give no match at all.  Then the kinds together: overlaps,
 * the precision corpus, and --no-preserve-structure's whole tokens.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "detect.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

struct example {
	const char *kind;	/* NULL: every default kind */
	const char *in;
	const char *out;	/* parts replaced by their prefixes */
};

struct negative {
	const char *kind;
	const char *in;
};

/* Three positive examples for a resource ID of the given literal prefix:
 * 17 hex digits, 8 hex digits, and one in JSON. */
#define ID_POS(kind, lit, p) \
	{ kind, "id " lit "0123456789abcdef0 ok", "id " p " ok" }, \
	{ kind, "(" lit "1a2b3c4d)", "(" p ")" }, \
	{ kind, "\"" lit "0fedcba9876543210\",", "\"" p "\"," }
/* The same for IDs that only exist in the 17-digit form. */
#define ID17_POS(kind, lit, p) \
	{ kind, "id " lit "0123456789abcdef0 ok", "id " p " ok" }, \
	{ kind, "(" lit "0a1b2c3d4e5f60718)", "(" p ")" }, \
	{ kind, "\"" lit "0fedcba9876543210\",", "\"" p "\"," }
/* Glued to a word, too long, upper case, not hex. */
#define ID_NEG(kind, lit) \
	{ kind, "x" lit "0123456789abcdef0" }, \
	{ kind, lit "0123456789abcdef0123" }, \
	{ kind, lit "0123456789ABCDEF0" }, \
	{ kind, lit "zzzzzzzz" }

static const struct example positives[] = {
	/* ARNs */
	{ "arn", "arn:aws:iam::123456789012:role/service-role/MyRole.",
	    "arn:aws:iam::ACCOUNT:role/service-role/IAM_ROLE." },
	{ "arn", "\"arn:aws:sts::123456789012:assumed-role/Admin/jane@example.com\"",
	    "\"arn:aws:sts::ACCOUNT:assumed-role/IAM_ROLE/IAM_USER\"" },
	{ "arn", "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc12de34f567890",
	    "arn:aws:ec2:us-east-1:ACCOUNT:instance/EC2" },
	{ "arn", "arn:aws:ec2:us-east-1::image/ami-0abcdef1234567890",
	    "arn:aws:ec2:us-east-1::image/AMI" },
	{ "arn", "arn:aws:ec2:eu-west-1:123456789012:transit-gateway-attachment/"
	    "tgw-attach-0123456789abcdef0",
	    "arn:aws:ec2:eu-west-1:ACCOUNT:transit-gateway-attachment/TGW" },
	{ "arn", "arn:aws:s3:::my-bucket/logs/x.gz", "arn:aws:s3:::BUCKET/logs/x.gz" },
	{ "arn", "arn:aws:s3:::my-bucket", "arn:aws:s3:::BUCKET" },
	{ "arn", "arn:aws:lambda:us-east-1:123456789012:function:my-func:prod",
	    "arn:aws:lambda:us-east-1:ACCOUNT:function:LAMBDA:LAMBDA" },
	{ "arn", "arn:aws:lambda:us-east-1:123456789012:function:my-func:12 "
	    "arn:aws:lambda:us-east-1:123456789012:function:my-func:$LATEST",
	    "arn:aws:lambda:us-east-1:ACCOUNT:function:LAMBDA:12 "
	    "arn:aws:lambda:us-east-1:ACCOUNT:function:LAMBDA:$LATEST" },
	{ "arn", "arn:aws-us-gov:sns:us-gov-west-1:123456789012:alerts",
	    "arn:aws-us-gov:sns:us-gov-west-1:ACCOUNT:SNS_TOPIC" },
	{ "arn", "(arn:aws:sqs:eu-west-1:123456789012:orders.fifo)",
	    "(arn:aws:sqs:eu-west-1:ACCOUNT:SQS_QUEUE)" },
	{ "arn", "arn:aws:dynamodb:us-east-1:123456789012:table/Orders/stream/"
	    "2024-01-01T00:00:00.000",
	    "arn:aws:dynamodb:us-east-1:ACCOUNT:table/DYNAMODB_TABLE/stream/"
	    "2024-01-01T00:00:00.000" },
	{ "arn", "arn:aws:elasticloadbalancing:us-east-1:123456789012:"
	    "loadbalancer/app/my-alb/50dc6c495c0c9188",
	    "arn:aws:elasticloadbalancing:us-east-1:ACCOUNT:"
	    "loadbalancer/app/ELB/ELB" },
	{ "arn", "arn:aws:elasticloadbalancing:us-east-1:123456789012:"
	    "targetgroup/my-tg/73e2d6bc24d8a067",
	    "arn:aws:elasticloadbalancing:us-east-1:ACCOUNT:"
	    "targetgroup/TARGET_GROUP/TARGET_GROUP" },
	{ "arn", "arn:aws:elasticloadbalancing:us-east-2:123456789012:"
	    "targetgroup/lambda-target/abcdefg",
	    "arn:aws:elasticloadbalancing:us-east-2:ACCOUNT:"
	    "targetgroup/TARGET_GROUP/TARGET_GROUP" },
	{ "arn", "arn:aws:elasticloadbalancing:us-east-2:123456789012:"
	    "targetgroup/my-tg/*",
	    "arn:aws:elasticloadbalancing:us-east-2:ACCOUNT:"
	    "targetgroup/TARGET_GROUP/*" },
	{ "arn", "arn:aws:cloudformation:us-east-1:123456789012:"
	    "stack/my-stack/example",
	    "arn:aws:cloudformation:us-east-1:ACCOUNT:stack/STACK/example" },
	{ "arn", "arn:aws:ecs:us-east-1:123456789012:task/prod/"
	    "0123456789abcdef0123456789abcdef",
	    "arn:aws:ecs:us-east-1:ACCOUNT:task/ECS_CLUSTER/ECS_TASK" },
	{ "arn", "arn:aws:ecs:us-east-1:123456789012:service/prod/web",
	    "arn:aws:ecs:us-east-1:ACCOUNT:service/ECS_CLUSTER/ECS_SERVICE" },
	{ "arn", "arn:aws:ecs:us-east-1:123456789012:task-definition/web:42",
	    "arn:aws:ecs:us-east-1:ACCOUNT:task-definition/ECS_TASKDEF:42" },
	{ "arn", "arn:aws:eks:us-west-2:123456789012:cluster/prod-eks",
	    "arn:aws:eks:us-west-2:ACCOUNT:cluster/EKS_CLUSTER" },
	{ "arn", "arn:aws:kms:us-east-1:123456789012:key/"
	    "1234abcd-12ab-34cd-56ef-1234567890ab",
	    "arn:aws:kms:us-east-1:ACCOUNT:key/KMS_KEY" },
	{ "arn", "arn:aws:kms:us-east-1:123456789012:alias/my-key",
	    "arn:aws:kms:us-east-1:ACCOUNT:alias/KMS_ALIAS" },
	{ "arn", "arn:aws:kms:us-east-1:123456789012:alias/aws/ebs",
	    "arn:aws:kms:us-east-1:ACCOUNT:alias/aws/ebs" },
	{ "arn", "arn:aws:acm:us-east-1:123456789012:certificate/"
	    "12345678-1234-1234-1234-123456789012",
	    "arn:aws:acm:us-east-1:ACCOUNT:certificate/CERT" },
	{ "arn", "arn:aws:secretsmanager:us-east-1:123456789012:secret:"
	    "prod/db-AbCdEf",
	    "arn:aws:secretsmanager:us-east-1:ACCOUNT:secret:SECRET" },
	/* A secret a service manages: rds!cluster-<UUID>-<suffix>. */
	{ "arn", "\"arn:aws:secretsmanager:us-west-2:123456789012:secret:"
	    "rds!cluster-a1b2c3d4-5678-90ab-cdef-EXAMPLE11111-a1b2c3\", see "
	    "arn:aws:secretsmanager:us-west-2:123456789012:secret:x-AbCdEf!",
	    "\"arn:aws:secretsmanager:us-west-2:ACCOUNT:secret:SECRET\", see "
	    "arn:aws:secretsmanager:us-west-2:ACCOUNT:secret:SECRET!" },
	{ "arn", "arn:aws:ssm:us-east-1:123456789012:parameter/prod/db/password",
	    "arn:aws:ssm:us-east-1:ACCOUNT:parameter/PARAM" },
	{ "arn", "arn:aws:cloudformation:us-east-1:123456789012:stack/my-stack/"
	    "1c2fa620-982a-11e3-aff7-50e2416294e0",
	    "arn:aws:cloudformation:us-east-1:ACCOUNT:stack/STACK/"
	    "STACK" },
	{ "arn", "arn:aws:rds:us-east-1:123456789012:db:mydb",
	    "arn:aws:rds:us-east-1:ACCOUNT:db:RDS" },
	{ "arn", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/"
	    "my-func:*",
	    "arn:aws:logs:us-east-1:ACCOUNT:log-group:/aws/lambda/LOG_GROUP:*" },
	{ "arn", "arn:aws:route53:::hostedzone/Z1D633PJN98FT9",
	    "arn:aws:route53:::hostedzone/ROUTE53_ZONE" },
	{ "arn", "arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE",
	    "arn:aws:cloudfront::ACCOUNT:distribution/CF_DIST" },
	{ "arn", "arn:aws:ecr:us-east-1:123456789012:repository/team/app",
	    "arn:aws:ecr:us-east-1:ACCOUNT:repository/ECR_REPO" },
	{ "arn", "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/"
	    "GET/pets",
	    "arn:aws:execute-api:us-east-1:ACCOUNT:API_GW/prod/GET/pets" },
	{ "arn", "arn:aws:iam::123456789012:root", "arn:aws:iam::ACCOUNT:root" },
	/* An IAM path's segments are names too; AWS's own paths are not. */
	{ "arn", "arn:aws:iam::123456789012:user/division_abc/subdivision_xyz/Bob",
	    "arn:aws:iam::ACCOUNT:user/IAM_PATH/IAM_PATH/IAM_USER" },
	{ "arn", "arn:aws:iam::123456789012:role/service-role/my-fn-role",
	    "arn:aws:iam::ACCOUNT:role/service-role/IAM_ROLE" },
	{ "arn", "arn:aws:iam::123456789012:role/aws-service-role/"
	    "ecs.amazonaws.com/AWSServiceRoleForECS",
	    "arn:aws:iam::ACCOUNT:role/aws-service-role/ecs.amazonaws.com/"
	    "AWSServiceRoleForECS" },
	{ "arn", "arn:aws:eks:us-west-2:111122223333:nodegroup/my-cluster/"
	    "my-nodes/a8c75f2f-df78-a72f-4063-4b69af3de5b1",
	    "arn:aws:eks:us-west-2:ACCOUNT:nodegroup/EKS_CLUSTER/ARN/ARN" },
	{ "arn", "arn:aws:securityhub:us-west-1:123456789012:control/pci-dss/"
	    "v/3.2.1/PCI.Lambda.2",
	    "arn:aws:securityhub:us-west-1:ACCOUNT:control/pci-dss/v/3.2.1/"
	    "PCI.Lambda.2" },
	{ "arn", "arn:aws:iam::123456789012:role/aws-reserved/"
	    "sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123abcd",
	    "arn:aws:iam::ACCOUNT:role/aws-reserved/sso.amazonaws.com/"
	    "eu-west-1/IAM_ROLE" },
	{ "arn", "arn:aws:iam::123456789012:server-certificate/company/"
	    "servercerts/ProdServerCert",
	    "arn:aws:iam::ACCOUNT:server-certificate/IAM_PATH/IAM_PATH/ARN" },
	{ "arn", "arn:aws:iam::123456789012:group/Developers",
	    "arn:aws:iam::ACCOUNT:group/IAM_GROUP" },
	{ "arn", "arn:aws:iam::123456789012:policy/ManageCredentialsPermissions",
	    "arn:aws:iam::ACCOUNT:policy/IAM_POLICY" },
	{ "arn", "arn:aws:iam::123456789012:instance-profile/Webserver",
	    "arn:aws:iam::ACCOUNT:instance-profile/IAM_PROFILE" },
	{ "arn", "arn:aws:sts::123456789012:federated-user/Bob",
	    "arn:aws:sts::ACCOUNT:federated-user/IAM_USER" },
	{ "arn", "arn:aws-cn:states:cn-north-1:123456789012:stateMachine:"
	    "MyMachine",
	    "arn:aws-cn:states:cn-north-1:ACCOUNT:stateMachine:ARN" },
	{ "arn", "arn:aws:dynamodb:*:123456789012:table/*",
	    "arn:aws:dynamodb:*:ACCOUNT:table/*" },
	{ "arn", "arn:aws:iam::123456789012:role/Admin,arn:aws:iam::"
	    "210987654321:role/Deploy",
	    "arn:aws:iam::ACCOUNT:role/IAM_ROLE,arn:aws:iam::ACCOUNT:role/"
	    "IAM_ROLE" },
	/* A comma ends the resource, even where IAM would allow it in a
	 * name: a list must not be swallowed as one resource. */
	{ "arn", "arn:aws:iam::123456789012:user/a,b@example.com",
	    "arn:aws:iam::ACCOUNT:user/IAM_USER,b@example.com" },
	{ "arn", "arn:aws:iam::123456789012:role/svc,s3://bkt/k.txt",
	    "arn:aws:iam::ACCOUNT:role/IAM_ROLE,s3://bkt/k.txt" },
	{ "arn", "(see arn:aws-iso-b:iam::123456789012:user/bob), ok",
	    "(see arn:aws-iso-b:iam::ACCOUNT:user/IAM_USER), ok" },
	/* An EKS cluster's OIDC provider: the issuer's ID, as in its URL. */
	{ "arn", "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2."
	    "amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
	    "arn:aws:iam::ACCOUNT:oidc-provider/oidc.eks.us-west-2."
	    "amazonaws.com/id/EKS_CLUSTER" },
	{ "arn", "arn:aws:iam::123456789012:oidc-provider/"
	    "token.actions.githubusercontent.com",
	    "arn:aws:iam::ACCOUNT:oidc-provider/ARN" },
	/*
	 * Masked text met again: a token in the account field or as the
	 * issuer's ID is a part of its own (kept when the store issued it),
	 * never swallowed into a name or left unmasked as a literal.
	 */
	{ "arn", "arn:aws:iam::ACCOUNT_001:role/Admin",
	    "arn:aws:iam::LITERAL:role/IAM_ROLE" },
	{ "arn", "arn:aws:iam::ACCOUNT_001:oidc-provider/oidc.eks.us-west-2."
	    "amazonaws.com/id/EKS_CLUSTER_002",
	    "arn:aws:iam::LITERAL:oidc-provider/oidc.eks.us-west-2."
	    "amazonaws.com/id/EKS_CLUSTER" },

	/* URLs and hostnames */
	{ "sqs-url", "https://sqs.us-east-1.amazonaws.com/123456789012/orders",
	    "https://sqs.us-east-1.amazonaws.com/ACCOUNT/SQS_QUEUE" },
	{ "sqs-url", "QueueUrl: https://sqs.eu-west-1.amazonaws.com/"
	    "123456789012/jobs.fifo,",
	    "QueueUrl: https://sqs.eu-west-1.amazonaws.com/ACCOUNT/SQS_QUEUE," },
	{ "sqs-url", "https://queue.amazonaws.com/123456789012/legacy",
	    "https://queue.amazonaws.com/ACCOUNT/SQS_QUEUE" },
	{ "sqs-url", "sqs.cn-north-1.amazonaws.com.cn/123456789012/q1",
	    "sqs.cn-north-1.amazonaws.com.cn/ACCOUNT/SQS_QUEUE" },
	{ "ecr-registry", "123456789012.dkr.ecr.us-east-1.amazonaws.com/"
	    "team/app:latest",
	    "ACCOUNT.dkr.ecr.us-east-1.amazonaws.com/ECR_REPO:latest" },
	{ "ecr-registry", "docker login 123456789012.dkr.ecr.eu-west-1.amazonaws.com",
	    "docker login ACCOUNT.dkr.ecr.eu-west-1.amazonaws.com" },
	{ "ecr-registry", "image: 123456789012.dkr.ecr.us-west-2.amazonaws.com/"
	    "web@sha256:abc",
	    "image: ACCOUNT.dkr.ecr.us-west-2.amazonaws.com/ECR_REPO@sha256:abc" },
	{ "s3-uri", "aws s3 cp s3://my-bucket/logs/x.gz .",
	    "aws s3 cp s3://BUCKET/logs/x.gz ." },
	{ "s3-uri", "copied to s3://other.bucket.", "copied to s3://BUCKET." },
	{ "s3-uri", "'s3a://data-lake/raw/2024/'", "'s3a://BUCKET/raw/2024/'" },
	{ "s3-virtual-host", "https://my-bucket.s3.us-east-1.amazonaws.com/key.txt",
	    "https://BUCKET.s3.us-east-1.amazonaws.com/key.txt" },
	{ "s3-virtual-host", "my.dotted.bucket.s3.amazonaws.com",
	    "BUCKET.s3.amazonaws.com" },
	{ "s3-virtual-host", "site.s3-website-us-west-2.amazonaws.com",
	    "BUCKET.s3-website-us-west-2.amazonaws.com" },
	{ "s3-path-url", "https://s3.amazonaws.com/my-bucket/key",
	    "https://s3.amazonaws.com/BUCKET/key" },
	{ "s3-path-url", "https://s3.us-west-2.amazonaws.com/logs-2024/a/b.txt",
	    "https://s3.us-west-2.amazonaws.com/BUCKET/a/b.txt" },
	{ "s3-path-url", "https://s3.console.aws.amazon.com/s3/buckets/"
	    "my-bucket?region=us-east-1",
	    "https://s3.console.aws.amazon.com/s3/buckets/BUCKET?region=us-east-1" },
	{ "ec2-hostname", "ip-10-0-1-23.ec2.internal", "EC2_HOST.ec2.internal" },
	{ "ec2-hostname", "node ip-172-31-5-10.us-west-2.compute.internal Ready",
	    "node EC2_HOST.us-west-2.compute.internal Ready" },
	{ "ec2-hostname", "ec2-54-1-2-3.compute-1.amazonaws.com",
	    "EC2_HOST.compute-1.amazonaws.com" },
	{ "ec2-hostname", "i-0123456789abcdef0.eu-west-1.compute.internal",
	    "EC2.eu-west-1.compute.internal" },
	{ "rds-endpoint", "mydb.c9akciq32xyz.us-east-1.rds.amazonaws.com:5432",
	    "RDS.us-east-1.rds.amazonaws.com:5432" },
	{ "rds-endpoint", "host=mycluster.cluster-ro-c9akciq32xyz.eu-west-1.rds."
	    "amazonaws.com",
	    "host=RDS.eu-west-1.rds.amazonaws.com" },
	{ "rds-endpoint", "db.abcdefghijkl.us-gov-west-1.rds.amazonaws.com",
	    "RDS.us-gov-west-1.rds.amazonaws.com" },
	{ "elasticache-endpoint", "my-redis.abc123.ng.0001.use1.cache.amazonaws."
	    "com:6379",
	    "ELASTICACHE.use1.cache.amazonaws.com:6379" },
	{ "elasticache-endpoint", "master.my-rg.abc123.euw1.cache.amazonaws.com",
	    "ELASTICACHE.euw1.cache.amazonaws.com" },
	{ "elasticache-endpoint", "my-cache-abc123.serverless.use1.cache."
	    "amazonaws.com",
	    "ELASTICACHE.use1.cache.amazonaws.com" },
	{ "redshift-endpoint", "examplecluster.abc123xyz789.us-west-2.redshift."
	    "amazonaws.com:5439",
	    "REDSHIFT.us-west-2.redshift.amazonaws.com:5439" },
	{ "redshift-endpoint", "jdbc:redshift://mycluster.cxyz1234abcd."
	    "eu-central-1.redshift.amazonaws.com:5439/dev",
	    "jdbc:redshift://REDSHIFT.eu-central-1.redshift.amazonaws.com:5439/dev" },
	{ "redshift-endpoint", "wg.123456789012.us-east-1.redshift-serverless."
	    "amazonaws.com",
	    "REDSHIFT.us-east-1.redshift-serverless.amazonaws.com" },
	{ "elb-hostname", "my-alb-1234567890.us-east-1.elb.amazonaws.com",
	    "ELB.us-east-1.elb.amazonaws.com" },
	{ "elb-hostname", "internal-my-alb-1234567890.us-east-1.elb.amazonaws.com",
	    "internal-ELB.us-east-1.elb.amazonaws.com" },
	{ "elb-hostname", "my-nlb-0123456789abcdef.elb.us-east-1.amazonaws.com",
	    "ELB.elb.us-east-1.amazonaws.com" },
	{ "elb-hostname", "dualstack.my-alb-1234567890.us-east-1.elb.amazonaws.com",
	    "dualstack.ELB.us-east-1.elb.amazonaws.com" },
	{ "api-gateway-host", "https://a1b2c3d4e5.execute-api.us-east-1."
	    "amazonaws.com/prod",
	    "https://API_GW.execute-api.us-east-1.amazonaws.com/prod" },
	{ "api-gateway-host", "abcdef1234.execute-api.eu-west-2.amazonaws.com",
	    "API_GW.execute-api.eu-west-2.amazonaws.com" },
	{ "api-gateway-host", "curl https://0123456789.execute-api."
	    "ap-southeast-2.amazonaws.com/",
	    "curl https://API_GW.execute-api.ap-southeast-2.amazonaws.com/" },
	{ "cloudfront-domain", "d111111abcdef8.cloudfront.net",
	    "CLOUDFRONT.cloudfront.net" },
	{ "cloudfront-domain", "https://d2abcdefghijkl.cloudfront.net/img.png",
	    "https://CLOUDFRONT.cloudfront.net/img.png" },
	{ "cloudfront-domain", "\"DomainName\": \"d3k2j1h0g9f8e7.cloudfront.net\"",
	    "\"DomainName\": \"CLOUDFRONT.cloudfront.net\"" },
	{ "eks-endpoint", "https://ABCDEF0123456789ABCDEF0123456789.gr7."
	    "us-west-2.eks.amazonaws.com",
	    "https://EKS_CLUSTER.gr7.us-west-2.eks.amazonaws.com" },
	{ "eks-endpoint", "server: https://0123456789ABCDEF0123456789ABCDEF.yl4."
	    "eu-west-1.eks.amazonaws.com",
	    "server: https://EKS_CLUSTER.yl4.eu-west-1.eks.amazonaws.com" },
	{ "eks-endpoint", "0123456789ABCDEF0123456789ABCDEF.us-east-1.eks."
	    "amazonaws.com",
	    "EKS_CLUSTER.us-east-1.eks.amazonaws.com" },
	{ "eks-oidc-issuer", "\"issuer\": \"https://oidc.eks.us-west-2.amazonaws."
	    "com/id/EXAMPLED539D4633E53DE1B71EXAMPLE\"",
	    "\"issuer\": \"https://oidc.eks.us-west-2.amazonaws.com/id/"
	    "EKS_CLUSTER\"" },
	{ "eks-oidc-issuer", "\"oidc.eks.eu-west-1.amazonaws.com/id/"
	    "4A5B6C7D8E9F0A1B2C3D4E5F6A7B8C9D:sub\": \"system:serviceaccount:a:b\"",
	    "\"oidc.eks.eu-west-1.amazonaws.com/id/EKS_CLUSTER:sub\": "
	    "\"system:serviceaccount:a:b\"" },
	{ "eks-oidc-issuer", "issuer oidc.eks.us-gov-west-1.amazonaws.com/id/"
	    "0123456789ABCDEF0123456789ABCDEF.",
	    "issuer oidc.eks.us-gov-west-1.amazonaws.com/id/EKS_CLUSTER." },
	{ "lambda-url", "https://abcdefghijklmnopqrstuvwxyz012345.lambda-url."
	    "us-east-1.on.aws/",
	    "https://LAMBDA.lambda-url.us-east-1.on.aws/" },
	{ "lambda-url", "0123456789abcdefghijklmnopqrstuv.lambda-url.eu-west-1."
	    "on.aws",
	    "LAMBDA.lambda-url.eu-west-1.on.aws" },
	{ "lambda-url", "\"FunctionUrl\": \"https://abcdefghijklmnopqrstuvwxyz012345"
	    ".lambda-url.us-west-2.on.aws/\"",
	    "\"FunctionUrl\": \"https://LAMBDA.lambda-url.us-west-2.on.aws/\"" },
	{ "opensearch-endpoint", "search-mydomain-abcdefghijklmnopqrstuvwxyz."
	    "us-east-1.es.amazonaws.com",
	    "search-OPENSEARCH.us-east-1.es.amazonaws.com" },
	{ "opensearch-endpoint", "https://vpc-logs-prod-a1b2c3d4e5f6g7h8i9j0."
	    "eu-west-1.es.amazonaws.com/_search",
	    "https://vpc-OPENSEARCH.eu-west-1.es.amazonaws.com/_search" },
	{ "opensearch-endpoint", "\"Endpoint\": \"search-app-0123456789abcdef."
	    "us-west-2.es.amazonaws.com\"",
	    "\"Endpoint\": \"search-OPENSEARCH.us-west-2.es.amazonaws.com\"" },

	/* Credentials */
	{ "secret-access-key", "aws_secret_access_key = "
	    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	    "aws_secret_access_key = SECRET_KEY" },
	{ "secret-access-key", "\"SecretAccessKey\": "
	    "\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\",",
	    "\"SecretAccessKey\": \"SECRET_KEY\"," },
	{ "secret-access-key", "export AWS_SECRET_ACCESS_KEY="
	    "'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'",
	    "export AWS_SECRET_ACCESS_KEY='SECRET_KEY'" },
	{ "session-token", "aws_session_token = IQoJb3JpZ2luX2VjEJr//////////"
	    "wEaCXVzLWVhc3QtMSJHMEUCIQ==",
	    "aws_session_token = SESSION_TOKEN" },
	{ "session-token", "\"SessionToken\": \"FwoGZXIvYXdzEBYaDHqa0AP1/"
	    "example+token=\"",
	    "\"SessionToken\": \"SESSION_TOKEN\"" },
	{ "session-token", "AWS_SECURITY_TOKEN=AQoDYXdzEJr1KexampleTOKEN",
	    "AWS_SECURITY_TOKEN=SESSION_TOKEN" },
	{ "session-token", "x-amz-security-token: IQoJb3JpZ2luX2VjEJr",
	    "x-amz-security-token: SESSION_TOKEN" },
	{ "access-key-id", "AKIAIOSFODNN7EXAMPLE", "ACCESS_KEY" },
	{ "access-key-id", "aws_access_key_id=ASIAY34FZKBOKMUTVV7A",
	    "aws_access_key_id=ACCESS_KEY" },
	{ "access-key-id", "\"AccessKeyId\": \"AKIAI44QH8DHBEXAMPLE\"",
	    "\"AccessKeyId\": \"ACCESS_KEY\"" },
	{ "iam-unique-id", "AIDAJQABLZS4A3QDU576Q", "IAM_ID" },
	/* A role session's principal ID: the session name too. */
	{ "iam-unique-id", "\"UserId\": \"AROADBQP57FF2AEXAMPLE:jane\"",
	    "\"UserId\": \"IAM_ID:IAM_USER\"" },
	{ "iam-unique-id", "\"principalId\": \"AROAEXAMPLEID1234567:jane.doe@"
	    "example.com\",", "\"principalId\": \"IAM_ID:IAM_USER\"," },
	{ "iam-unique-id", "assumedRoleId AROAEXAMPLEID1234567:gh-run-42.",
	    "assumedRoleId IAM_ID:IAM_USER." },
	{ "iam-unique-id", "aws:userid AROAEXAMPLEID1234567:i-0123456789abcdef0",
	    "aws:userid IAM_ID:EC2" },
	{ "iam-unique-id", "\"aws:userid\": \"AROAEXAMPLEID1234567:*\"",
	    "\"aws:userid\": \"IAM_ID:*\"" },
	{ "iam-unique-id", "AIDAEXAMPLEID1234567:jane", "IAM_ID:jane" },
	{ "iam-unique-id", "policy ANPAJ2UCCR6DPCEXAMPLE,", "policy IAM_ID," },
	{ "iam-unique-id", "AGPAJ2UCCR6DPCEXAMPL", "IAM_ID" },

	/* Identifiers known by their context */
	{ "account-id", "\"OwnerId\": \"123456789012\",", "\"OwnerId\": \"ACCOUNT\"," },
	{ "account-id", "\"p_any_aws_account_ids\": \"123412341234\"",
	    "\"p_any_aws_account_ids\": \"ACCOUNT\"" },
	{ "account-id", "\"p_any_aws_account_ids\": [\n  \"123412341234\"\n]",
	    "\"p_any_aws_account_ids\": [\n  \"ACCOUNT\"\n]" },
	{ "account-id", "{\"owner\": \"111122223333\"}",
	    "{\"owner\": \"ACCOUNT\"}" },
	{ "account-id", "aws ec2 describe-images --owners 123456789012",
	    "aws ec2 describe-images --owners ACCOUNT" },
	{ "account-id", "in account 123456789012.", "in account ACCOUNT." },
	{ "account-id", "AWS_ACCOUNT_ID=123456789012", "AWS_ACCOUNT_ID=ACCOUNT" },
	{ "account-id", "\"recipientAccountId\": \"123456789012\"",
	    "\"recipientAccountId\": \"ACCOUNT\"" },
	{ "account-id", "\"Principal\": {\"AWS\": \"123456789012\"}",
	    "\"Principal\": {\"AWS\": \"ACCOUNT\"}" },
	{ "account-id", "Account ID: 123456789012", "Account ID: ACCOUNT" },
	{ "account-id", "{\\\"accountId\\\":\\\"123456789012\\\"}",
	    "{\\\"accountId\\\":\\\"ACCOUNT\\\"}" },
	{ "account-id", "AWSLogs/123456789012/CloudTrail/",
	    "AWSLogs/ACCOUNT/CloudTrail/" },
	{ "account-id", "\"kms:CallerAccount\": \"123456789012\"",
	    "\"kms:CallerAccount\": \"ACCOUNT\"" },
	{ "account-id", "\"groupOwnerId\": \"123456789012\",",
	    "\"groupOwnerId\": \"ACCOUNT\"," },
	{ "account-id", "2 123456789012 eni-0a1b2c3d4e5f60789 10.0.1.23",
	    "2 ACCOUNT eni-0a1b2c3d4e5f60789 10.0.1.23" },
	{ "account-id", "ROUTETABLES\t123456789012\trtb-0a1b2c3d4e5f67890",
	    "ROUTETABLES\tACCOUNT\trtb-0a1b2c3d4e5f67890" },
	{ "account-id", "\"IpOwnerId\": \"123456789012\",",
	    "\"IpOwnerId\": \"ACCOUNT\"," },
	{ "account-id", "\"aws:SourceAccount\": \"123456789012\"",
	    "\"aws:SourceAccount\": \"ACCOUNT\"" },
	{ "account-id", "sso_account_id = 876543210987",
	    "sso_account_id = ACCOUNT" },
	{ "account-id", "source_account = \"123456789012\"",
	    "source_account = \"ACCOUNT\"" },
	{ "account-id", "peer_owner_id = \"123456789012\"",
	    "peer_owner_id = \"ACCOUNT\"" },
	{ "account-id", "\"sso_account_id\": \"123456789012\"",
	    "\"sso_account_id\": \"ACCOUNT\"" },
	{ "keyed-iam-id", "\"principalId\": \"123456789012:Bob\"",
	    "\"principalId\": \"ACCOUNT:IAM_USER\"" },
	{ "account-id", "\"CallerUserId\": \"123456789012:Bob\"",
	    "\"CallerUserId\": \"ACCOUNT:Bob\"" },
	{ "account-id", "\"principalId\": [\"123456789012:Bob\"]",
	    "\"principalId\": [\"ACCOUNT:Bob\"]" },
	{ "account-id", "data.aws_caller_identity.current: Read complete after "
	    "0s [id=123456789012]",
	    "data.aws_caller_identity.current: Read complete after "
	    "0s [id=ACCOUNT]" },
	/* Every element of an array of accounts, on one line or many. */
	{ "account-id", "\"AWS\": [\"111122223333\", \"444455556666\", "
	    "\"777788889999\"]",
	    "\"AWS\": [\"ACCOUNT\", \"ACCOUNT\", \"ACCOUNT\"]" },
	{ "account-id", "\"AWS\": [\n  \"111122223333\",\n  \"444455556666\"\n]",
	    "\"AWS\": [\n  \"ACCOUNT\",\n  \"ACCOUNT\"\n]" },
	{ "account-id", "\"aws:ResourceAccount\": [\r\n\t\"111122223333\"]",
	    "\"aws:ResourceAccount\": [\r\n\t\"ACCOUNT\"]" },
	{ "account-id", "\"AWS\": [\n  \"arn:aws:iam::210987654321:root\",\n"
	    "  \"456789012345\"\n]",
	    "\"AWS\": [\n  \"arn:aws:iam::ACCOUNT:root\",\n"
	    "  \"ACCOUNT\"\n]" },
	{ "account-id", "{\\\"AccountIds\\\":[\\\"111122223333\\\","
	    "\\\"444455556666\\\"]}",
	    "{\\\"AccountIds\\\":[\\\"ACCOUNT\\\",\\\"ACCOUNT\\\"]}" },
	{ "kms-key-id", "\"KeyId\": \"1234abcd-12ab-34cd-56ef-1234567890ab\"",
	    "\"KeyId\": \"KMS_KEY\"" },
	{ "kms-key-id", "--key-id 1234abcd-12ab-34cd-56ef-1234567890ab",
	    "--key-id KMS_KEY" },
	{ "kms-key-id", "\"KmsKeyId\": \"mrk-1234abcd12ab34cd56ef1234567890ab\"",
	    "\"KmsKeyId\": \"KMS_KEY\"" },
	{ "kms-key-id", "key/1234abcd-12ab-34cd-56ef-1234567890ab", "key/KMS_KEY" },
	{ "kms-key-id", "replica mrk-1234abcd12ab34cd56ef1234567890ab ok",
	    "replica KMS_KEY ok" },
	{ "s3-canonical-user", "\"Owner\": {\"DisplayName\": \"ops\", \"ID\": "
	    "\"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be\"}",
	    "\"Owner\": {\"DisplayName\": \"ops\", \"ID\": \"S3_CANONICAL\"}" },
	{ "s3-canonical-user", "\"CanonicalUser\": "
	    "\"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be\"",
	    "\"CanonicalUser\": \"S3_CANONICAL\"" },
	{ "s3-canonical-user", "<Owner><ID>"
	    "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be</ID>",
	    "<Owner><ID>S3_CANONICAL</ID>" },
	{ "s3-canonical-user", "--grant-read id="
	    "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
	    "--grant-read id=S3_CANONICAL" },
	{ "route53-zone", "\"HostedZoneId\": \"/hostedzone/Z1D633PJN98FT9\"",
	    "\"HostedZoneId\": \"/hostedzone/ROUTE53_ZONE\"" },
	{ "route53-zone", "--hosted-zone-id Z3AADJGX6KTTL2",
	    "--hosted-zone-id ROUTE53_ZONE" },
	{ "route53-zone", "\"Id\": \"/hostedzone/Z0123456789ABCDEFGHIJ\"",
	    "\"Id\": \"/hostedzone/ROUTE53_ZONE\"" },
	{ "cloudfront-distribution", "aws cloudfront get-distribution --id "
	    "EDFDVBD6EXAMPLE", "aws cloudfront get-distribution --id CF_DIST" },
	{ "cloudfront-distribution", "\"DistributionId\": \"E2QWRUHAPOMQZL\"",
	    "\"DistributionId\": \"CF_DIST\"" },
	{ "cloudfront-distribution", "distribution/E2QWRUHAPOMQZL",
	    "distribution/CF_DIST" },
	{ "cloudfront-distribution", "\"Id\": \"E2QWRUHAPOMQZL\",",
	    "\"Id\": \"CF_DIST\"," },
	{ "cloudfront-distribution", "(distribution E2QWRUHAPOMQZL, invalidation "
	    "I2J0I21PCUYOIK)", "(distribution CF_DIST, invalidation "
	    "I2J0I21PCUYOIK)" },
	{ "cloudfront-distribution", "Distribution ID: E1KTSUO4RLMF6A",
	    "Distribution ID: CF_DIST" },
	{ "cloudfront-distribution", "distribution=\"EDFDVBD6EXAMPLE\"",
	    "distribution=\"CF_DIST\"" },
	{ "log-group", "/aws/lambda/my-func", "/aws/lambda/LOG_GROUP" },
	{ "log-group", "log group /aws/ecs/containerinsights/prod/performance.",
	    "log group /aws/ecs/LOG_GROUP." },
	{ "log-group", "\"/aws/codebuild/my-project\"",
	    "\"/aws/codebuild/LOG_GROUP\"" },
	{ "elb-name-id", "https 2024-03-14T10:02:31.118274Z app/prod-web-alb/"
	    "50dc6c495c0c9188 203.0.113.10:52144",
	    "https 2024-03-14T10:02:31.118274Z app/ELB/ELB 203.0.113.10:52144" },
	{ "elb-name-id", "LoadBalancer=net/my-nlb/0123456789abcdef,",
	    "LoadBalancer=net/ELB/ELB," },
	{ "elb-name-id", "\"TargetGroup\": \"targetgroup/my-tg/73e2d6bc24d8a067\"",
	    "\"TargetGroup\": \"targetgroup/TARGET_GROUP/TARGET_GROUP\"" },
	{ "resource-name", "\"RoleName\": \"deploy-bot\",",
	    "\"RoleName\": \"IAM_ROLE\"," },
	{ "resource-name", "aws dynamodb scan --table-name Orders",
	    "aws dynamodb scan --table-name DYNAMODB_TABLE" },
	{ "resource-name", "BucketName: my-data-bucket", "BucketName: BUCKET" },
	{ "resource-name", "\"logGroupName\": \"/aws/lambda/x\"",
	    "\"logGroupName\": \"/aws/lambda/LOG_GROUP\"" },
	{ "resource-name", "FUNCTION_NAME=payments-api", "FUNCTION_NAME=LAMBDA" },
	{ "resource-name", "s3.get_object(Bucket='my-bucket', Key=k)",
	    "s3.get_object(Bucket='BUCKET', Key=k)" },
	{ "resource-name", "\"userName\": \"deploy-bot\"", "\"userName\": \"IAM_USER\"" },
	{ "resource-name", "--db-instance-identifier=prod-db",
	    "--db-instance-identifier=RDS" },
	{ "resource-name", "||  StackName             |  prod-network          ||",
	    "||  StackName             |  STACK          ||" },
	{ "resource-name", "|  RoleName |  deploy-bot |",
	    "|  RoleName |  IAM_ROLE |" },
	{ "resource-name", "aws sts assume-role --role-arn x --role-session-name "
	    "jane", "aws sts assume-role --role-arn x --role-session-name "
	    "IAM_USER" },
	{ "resource-name", "\"RoleSessionName\": \"ci-deploy\"",
	    "\"RoleSessionName\": \"IAM_USER\"" },
	{ "resource-name", "alpha.eksctl.io/cluster-name=prod-eks",
	    "alpha.eksctl.io/cluster-name=EKS_CLUSTER" },
	/* Terraform: the name of a resource of a known type. */
	{ "resource-name", "  + resource \"aws_iam_role\" \"w\" {\n"
	    "      + assume_role_policy = jsonencode(\n            {\n"
	    "              + Statement = [\n                  + {\n"
	    "                      + Principal = {\n"
	    "                          + Federated = \"x\"\n"
	    "                        }\n                    },\n"
	    "                ]\n            }\n        )\n"
	    "      + name                  = \"orders-worker-irsa\"\n    }",
	    "  + resource \"aws_iam_role\" \"w\" {\n"
	    "      + assume_role_policy = jsonencode(\n            {\n"
	    "              + Statement = [\n                  + {\n"
	    "                      + Principal = {\n"
	    "                          + Federated = \"x\"\n"
	    "                        }\n                    },\n"
	    "                ]\n            }\n        )\n"
	    "      + name                  = \"IAM_ROLE\"\n    }" },
	{ "resource-name", "resource \"aws_sqs_queue\" \"q\" {\n  name = \"orders\"\n"
	    "  tags = {\n    name = \"x\"\n  }\n}",
	    "resource \"aws_sqs_queue\" \"q\" {\n  name = \"SQS_QUEUE\"\n"
	    "  tags = {\n    name = \"x\"\n  }\n}" },
	{ "resource-name", "  ~ resource \"aws_sns_topic\" \"t\" {\n"
	    "      ~ name = \"old-topic\" -> \"new-topic\"\n    }",
	    "  ~ resource \"aws_sns_topic\" \"t\" {\n"
	    "      ~ name = \"SNS_TOPIC\" -> \"SNS_TOPIC\"\n    }" },
	/* GroupName's kind is the nearer evidence's. */
	{ "resource-name", "{\"GroupName\": \"web-sg\", \"GroupId\": "
	    "\"sg-0123456789abcdef0\"}", "{\"GroupName\": \"SG_NAME\", "
	    "\"GroupId\": \"sg-0123456789abcdef0\"}" },
	{ "resource-name", "{\"Group\": {\"Path\": \"/\", \"GroupName\": "
	    "\"devs\", \"GroupId\": \"AGPAABCDEFGHIJKLMNOP\"}}",
	    "{\"Group\": {\"Path\": \"/\", \"GroupName\": \"IAM_GROUP\", "
	    "\"GroupId\": \"AGPAABCDEFGHIJKLMNOP\"}}" },
	{ "resource-name", "{\"eventSource\": \"iam.amazonaws.com\", "
	    "\"requestParameters\": {\"groupName\": \"admins\"}}",
	    "{\"eventSource\": \"iam.amazonaws.com\", "
	    "\"requestParameters\": {\"groupName\": \"IAM_GROUP\"}}" },
	{ "resource-name", "aws ec2 create-security-group --group-name db-sg "
	    "--description x", "aws ec2 create-security-group --group-name "
	    "SG_NAME --description x" },
	{ "resource-name", "{\"groupName\": \"admins\"}",
	    "{\"groupName\": \"GROUP_NAME\"}" },
	{ "resource-name", "\"Placement\": {\"GroupName\": \"hpc-pg\"}, "
	    "\"SecurityGroups\": [{\"GroupId\": \"sg-0123456789abcdef0\"}]",
	    "\"Placement\": {\"GroupName\": \"GROUP_NAME\"}, "
	    "\"SecurityGroups\": [{\"GroupId\": \"sg-0123456789abcdef0\"}]" },
	/* EKS or ECS, by the evidence. */
	{ "resource-name", "aws eks describe-nodegroup --cluster-name prod "
	    "--nodegroup-name ng-1", "aws eks describe-nodegroup "
	    "--cluster-name EKS_CLUSTER --nodegroup-name EKS_NODEGROUP" },
	{ "resource-name", "{\"serviceName\": \"web\", \"clusterArn\": "
	    "\"arn:aws:ecs:us-east-1:123456789012:cluster/prod\"}",
	    "{\"serviceName\": \"ECS_SERVICE\", \"clusterArn\": "
	    "\"arn:aws:ecs:us-east-1:123456789012:cluster/prod\"}" },
	{ "resource-name", "aws ecs update-service --cluster prod \\\n"
	    "    --service web --force-new-deployment",
	    "aws ecs update-service --cluster ECS_CLUSTER \\\n"
	    "    --service ECS_SERVICE --force-new-deployment" },
	/* What the name is, less what AWS's syntax keeps. */
	{ "resource-name", "{\"AliasName\": \"alias/my-key\"}",
	    "{\"AliasName\": \"alias/KMS_ALIAS\"}" },
	{ "resource-name", "aws ssm get-parameter --name /prod/db/password "
	    "--with-decryption", "aws ssm get-parameter --name /PARAM "
	    "--with-decryption" },
	{ "resource-name", "{\"SecretId\": \"prod/db/password\"}",
	    "{\"SecretId\": \"SECRET\"}" },
	{ "resource-name", "aws secretsmanager get-secret-value --secret-id "
	    "prod/db/password", "aws secretsmanager get-secret-value "
	    "--secret-id SECRET" },
	{ "resource-name", "[profile dev]\nsso_role_name = OrdersDeveloper\n",
	    "[profile dev]\nsso_role_name = IAM_ROLE\n" },
	{ "resource-name", "role_session_name = maria_garcia_role\n",
	    "role_session_name = IAM_USER\n" },
	/* A CloudTrail digest file names its trail. */
	{ "resource-name", "234567890123_CloudTrail-Digest_ca-central-1_"
	    "POrgTrail_us-east-1_20200214T001007Z.json.gz",
	    "234567890123_CloudTrail-Digest_ca-central-1_RESOURCE_NAME_"
	    "us-east-1_20200214T001007Z.json.gz" },
	/* EC2 filters: Name tags, and a naming flag's name. */
	{ "resource-name", "--filters \"Name=tag:Name,Values=web-1,web-2\"",
	    "--filters \"Name=tag:Name,Values=NAME_TAG,NAME_TAG\"" },
	{ "resource-name", "--filter Name=log-group-name,Values=MyFlowLogs",
	    "--filter Name=log-group-name,Values=LOG_GROUP" },
	/* A log stream may be named after a day. */
	{ "resource-name", "\"logStreamName\": \"20150531\"",
	    "\"logStreamName\": \"RESOURCE_NAME\"" },
	{ "resource-name", "aws logs get-log-events --log-stream-name 20150601",
	    "aws logs get-log-events --log-stream-name RESOURCE_NAME" },
	{ "resource-name", "{\"DomainName\": \"logs-prod\"}",
	    "{\"DomainName\": \"OPENSEARCH\"}" },
	{ "resource-name", "aws glue start-job-run --job-name etl-nightly",
	    "aws glue start-job-run --job-name JOB_NAME" },
	{ "resource-name", "resource \"aws_cloudwatch_log_group\" \"l\" {\n"
	    "  name = \"/aws/lambda/my-func\"\n}",
	    "resource \"aws_cloudwatch_log_group\" \"l\" {\n"
	    "  name = \"/aws/lambda/LOG_GROUP\"\n}" },
	{ "cognito-user-pool", "us-east-1_aBcDeFgHi", "COGNITO_POOL" },
	{ "cognito-user-pool", "\"UserPoolId\": \"eu-west-1_AbC123xYz\"",
	    "\"UserPoolId\": \"COGNITO_POOL\"" },
	{ "cognito-user-pool", "pool ap-southeast-2_Z9y8X7w6V ok",
	    "pool COGNITO_POOL ok" },
	{ "ec2-host-label", "[ec2-user@ip-172-31-5-10 ~]$", "[ec2-user@EC2_HOST ~]$" },
	{ "ec2-host-label", "node ip-10-0-1-23 Ready", "node EC2_HOST Ready" },
	{ "ec2-host-label", "ip-192-168-0-5,", "EC2_HOST," },

	/* Resource IDs */
	ID_POS("ec2-instance", "i-", "EC2"),
	ID_POS("ebs-volume", "vol-", "EBS_VOL"),
	ID_POS("ebs-snapshot", "snap-", "SNAPSHOT"),
	ID_POS("ami", "ami-", "AMI"),
	ID17_POS("security-group-rule", "sgr-", "SG_RULE"),
	ID_POS("security-group", "sg-", "SG"),
	/* Glued to '_' an ID is still one (it used to leak). */
	{ "ec2-instance", "backup_i-0123456789abcdef0_2026.tar",
	    "backup_EC2_2026.tar" },
	{ "security-group", "_sg-0123abcd_", "_SG_" },
	ID_POS("subnet", "subnet-", "SUBNET"),
	ID17_POS("vpc-endpoint-service", "vpce-svc-", "VPCE"),
	ID_POS("vpc-endpoint", "vpce-", "VPCE"),
	ID_POS("vpc", "vpc-", "VPC"),
	ID_POS("eni-attachment", "eni-attach-", "ENI"),
	ID_POS("eni", "eni-", "ENI"),
	ID_POS("egress-only-igw", "eigw-", "IGW"),
	ID_POS("internet-gateway", "igw-", "IGW"),
	ID_POS("nat-gateway", "nat-", "NAT_GW"),
	ID_POS("route-table-assoc", "rtbassoc-", "RTB"),
	ID_POS("route-table", "rtb-", "RTB"),
	ID_POS("network-acl-assoc", "aclassoc-", "NACL"),
	ID_POS("network-acl", "acl-", "NACL"),
	ID_POS("eip-allocation", "eipalloc-", "EIP"),
	ID_POS("eip-association", "eipassoc-", "EIP"),
	ID17_POS("tgw-attachment", "tgw-attach-", "TGW"),
	ID17_POS("tgw-route-table", "tgw-rtb-", "TGW"),
	ID17_POS("transit-gateway", "tgw-", "TGW"),
	ID_POS("vpc-peering", "pcx-", "PCX"),
	ID17_POS("launch-template", "lt-", "LT"),
	ID_POS("dhcp-options", "dopt-", "DOPT"),
	ID17_POS("key-pair", "key-", "KEY_PAIR"),
	ID_POS("prefix-list", "pl-", "PL"),
	ID_POS("customer-gateway", "cgw-", "VPN"),
	ID_POS("vpn-gateway", "vgw-", "VPN"),
	ID_POS("vpn-connection", "vpn-", "VPN"),
	ID_POS("reservation", "r-", "RESERVATION"),
	ID_POS("efs-mount-target", "fsmt-", "EFS"),
	ID_POS("efs-access-point", "fsap-", "EFS"),
	ID_POS("efs-filesystem", "fs-", "EFS"),
	ID17_POS("client-vpn-endpoint", "cvpn-endpoint-", "CVPN"),
	ID17_POS("ipam-pool", "ipam-pool-", "IPAM"),
	ID17_POS("ipam", "ipam-", "IPAM"),
	ID17_POS("dedicated-host", "h-", "HOST_ID"),
	ID_POS("flow-log", "fl-", "FLOW_LOG"),
	ID17_POS("capacity-reservation", "cr-", "CAPACITY_RES"),
	ID17_POS("ssm-managed-instance", "mi-", "SSM_NODE"),
	ID_POS("fleet", "fleet-", "FLEET"),
	{ "fleet", "fleet-73fdd2ce-7f3c-6e6f-8a8a-0ae9f2c9d3d5", "FLEET" },
	{ "spot-request", "sir-08b93456", "SPOT" },
	{ "spot-request", "(sir-a1b2c3d4)", "(SPOT)" },
	{ "spot-request", "\"SpotInstanceRequestId\": \"sir-3wy8crrk\"",
	    "\"SpotInstanceRequestId\": \"SPOT\"" },
	{ "spot-fleet-request", "sfr-73fdd2ce-7f3c-6e6f-8a8a-0ae9f2c9d3d5",
	    "SPOT" },
	{ "spot-fleet-request", "(sfr-12345678-1234-1234-1234-123456789012)",
	    "(SPOT)" },
	{ "spot-fleet-request", "id=sfr-abcdef01-2345-6789-abcd-ef0123456789.",
	    "id=SPOT." },
	{ "emr-cluster", "j-2AXXXXXXGAPLF", "EMR" },
	{ "emr-cluster", "--cluster-id j-1K48XXXXXXHCB", "--cluster-id EMR" },
	{ "emr-cluster", "\"Id\": \"j-3UN6WX5RRO2AG\"", "\"Id\": \"EMR\"" },
	{ "directory-id", "d-9067012345", "DIRECTORY" },
	{ "directory-id", "https://d-9067012345.awsapps.com/start",
	    "https://DIRECTORY.awsapps.com/start" },
	{ "directory-id", "\"DirectoryId\": \"d-1234abcdef\"",
	    "\"DirectoryId\": \"DIRECTORY\"" },
	{ "org-unit", "ou-ab12-cdef3456", "ORG" },
	{ "org-unit", "ou-examplerootid111-exampleouid111", "ORG" },
	{ "org-unit", "\"Id\": \"ou-a1b2-c3d4e5f6g7\"", "\"Id\": \"ORG\"" },
	{ "organization", "o-a1b2c3d4e5", "ORG" },
	{ "organization", "\"OrganizationId\": \"o-1234567890\"",
	    "\"OrganizationId\": \"ORG\"" },
	{ "organization", "aws:PrincipalOrgID o-aa111bb222.",
	    "aws:PrincipalOrgID ORG." },
	{ "rds-resource-id", "db-ABCDEFGHIJKLMNOPQRSTUVWXY2", "RDS" },
	{ "rds-resource-id", "\"DbiResourceId\": \"db-0123456789ABCDEFGHIJKLMNOP\"",
	    "\"DbiResourceId\": \"RDS\"" },
	{ "rds-resource-id", "(db-0123456789ABCDEFGHIJKLMNOP)", "(RDS)" },
	{ "rds-cluster-resource-id", "cluster-ABCDEFGHIJKLMNOPQRSTUVWXY2", "RDS" },
	{ "rds-cluster-resource-id", "\"DbClusterResourceId\": "
	    "\"cluster-0123456789ABCDEFGHIJKLMNOP\"",
	    "\"DbClusterResourceId\": \"RDS\"" },
	{ "rds-cluster-resource-id", "(cluster-0123456789ABCDEFGHIJKLMNOP)",
	    "(RDS)" },

	/* Addresses */
	{ "ipv6", "2001:db8::1", "IPV6" },
	{ "ipv6", "fe80::1ff:fe23:4567:890a%eth0", "IPV6%eth0" },
	{ "ipv6", "route 2600:1f18:abcd::/56", "route IPV6/56" },
	{ "ipv6", "[2600:1f18:abcd:ef01::5]:443", "[IPV6]:443" },
	{ "ipv6", "::ffff:10.0.0.1", "IPV6" },
	{ "ipv4", "10.0.0.0/16", "PRIVATE_IP/16" },
	{ "ipv4", "54.23.1.9", "PUBLIC_IP" },
	{ "ipv4", "from 203.0.113.45:443", "from PUBLIC_IP:443" },
	{ "ipv4", "172.31.5.10,", "PRIVATE_IP," },
	{ "ipv4", "100.64.12.3", "PRIVATE_IP" },
	{ "ipv4", "3.80.112.34 and 52.95.110.1.", "PUBLIC_IP and PUBLIC_IP." },
	/* After a product token only a version-like public quad is kept:
	 * URLs, path segments, CIDRs and private addresses are masked. */
	{ "ipv4", "curl http://54.23.1.9/health", "curl http://PUBLIC_IP/health" },
	{ "ipv4", "host/10.0.0.1 and Chrome/192.168.0.0",
	    "host/PRIVATE_IP and Chrome/PRIVATE_IP" },
	{ "ipv4", "GET /v1/ip/54.23.0.0 HTTP/1.1", "GET /v1/ip/PUBLIC_IP HTTP/1.1" },
	{ "ipv4", "peer/54.230.17.9 net/52.95.0.0/16",
	    "peer/PUBLIC_IP net/PUBLIC_IP/16" },
	{ "ipv4-private", "10.1.2.3", "PRIVATE_IP" },
	{ "ipv4-private", "192.168.0.1/24", "PRIVATE_IP/24" },
	{ "ipv4-private", "peer 172.16.5.4:179", "peer PRIVATE_IP:179" },
	/* Markdown escapes the dots of an address in text. */
	{ "ipv4", "address \\(10\\.0\\.1\\.5\\) to \\(203\\.0\\.113\\.5\\)\\.",
	    "address \\(PRIVATE_IP\\) to \\(PUBLIC_IP\\)\\." },
	{ "ipv4", "the 54\\.240\\.143\\.0/24 range", "the PUBLIC_IP/24 range" },
	{ "ipv4-private", "is 172\\.31\\.16\\.139\\)", "is PRIVATE_IP\\)" },
	{ "escaped-id", "interface eni\\-1235b8ca123456789 in",
	    "interface ENI in" },
	{ "escaped-id", "subnet subnet\\-11111111aaaaaaaaa\\.", "subnet SUBNET\\." },
	{ "escaped-id", "\\(eni\\-attach\\-0a1b2c3d\\) *vpc\\-1a2b3c4d*",
	    "\\(ENI\\) *VPC*" },
	/* Short example IDs under a key naming their kind. */
	{ "kind-keyed-id", "\"srcids\": { instance: \"i-0abc234\" },",
	    "\"srcids\": { instance: \"EC2\" }," },
	{ "kind-keyed-id", "{\"instance\": \"i-0abc234\", \"vpc\": \"vpc-abc123\"}",
	    "{\"instance\": \"EC2\", \"vpc\": \"VPC\"}" },
	{ "kind-keyed-id", "volume=vol-1a2b subnet: subnet-9z8y7x",
	    "volume=EBS_VOL subnet: SUBNET" },
	{ "kind-keyed-id", "SecurityGroup: sg-12ab network_interface: eni-12ab",
	    "SecurityGroup: SG network_interface: ENI" },

	/* Text that looks like our tokens */
	{ "token-literal", "EC2_001", "LITERAL" },
	{ "token-literal", "see IAM_ROLE_0042.", "see LITERAL." },
	{ "token-literal", "PRIVATE_IP_123", "LITERAL" },
	/* ... in every form awsunmask restores */
	{ "token-literal", "ec2_001 Ec2_002 EC2\\_003", "LITERAL LITERAL LITERAL" },
	{ "token-literal", "IAM\\_ROLE\\_001, iam-role-002; Iam_Role\\_003",
	    "LITERAL, LITERAL; LITERAL" },
	{ "token-literal", "ec2-001 EC2-0042 rds-001 s3-001? no: bucket-001.",
	    "LITERAL LITERAL LITERAL s3-001? no: LITERAL." },
	{ "token-literal", "EC2\xe2\x80\x91" "001 ec2\xe2\x80\x90" "002",
	    "LITERAL LITERAL" },
	{ "token-literal", "**ec2-001** `EC2\\_002` (vpc-001)",
	    "**LITERAL** `LITERAL` (LITERAL)" },
	{ "token-literal", "my-EC2_001 ec2-001-", "my-LITERAL LITERAL-" },
	{ "token-literal", "a.EC2_001 ec2_001.example.com", "a.LITERAL "
	    "LITERAL.example.com" },
	{ "token-literal", "ec2-001. -ec2-002 x -ec2-003", "LITERAL. -LITERAL "
	    "x -LITERAL" },
	/* Issue #13: the same contexts in every format. */
	{ "account-id", "<ownerId>251839141158</ownerId>",
	    "<ownerId>ACCOUNT</ownerId>" },
	{ "account-id", "<AwsAccountNumber>111122223333</AwsAccountNumber>",
	    "<AwsAccountNumber>ACCOUNT</AwsAccountNumber>" },
	{ "account-key", "recipientAccountId: \"187901811700\"",
	    "recipientAccountId: \"ACCOUNT\"" },
	{ "account-id", "\"eC2SecurityGroupOwnerId\": \"444455556666\"",
	    "\"eC2SecurityGroupOwnerId\": \"ACCOUNT\"" },
	{ "account-id", "registryId: 123456789000", "registryId: ACCOUNT" },
	{ "account-key", "eC2SecurityGroupOwnerId=444455556666",
	    "eC2SecurityGroupOwnerId=ACCOUNT" },
	{ "account-key", "  destinationAccount: '123456789012'",
	    "  destinationAccount: 'ACCOUNT'" },
	{ "keyed-iam-id", "\"FederatedUserId\": \"111122223333:Bob\"",
	    "\"FederatedUserId\": \"ACCOUNT:IAM_USER\"" },
	{ "keyed-iam-id", "<FederatedUserId>111122223333:Bob</FederatedUserId>",
	    "<FederatedUserId>ACCOUNT:IAM_USER</FederatedUserId>" },
	{ "keyed-iam-id", "federated_user_id='111122223333:Bob'",
	    "federated_user_id='ACCOUNT:IAM_USER'" },
	{ "keyed-iam-id", "\\\"principalId\\\": \\\"111122223333:Bob\\\"",
	    "\\\"principalId\\\": \\\"ACCOUNT:IAM_USER\\\"" },
	{ "keyed-iam-id", "FederatedUserId: 111122223333:user",
	    "FederatedUserId: ACCOUNT:user" },
	{ "account-id", "--peer-owner-id 123456789012 --region x",
	    "--peer-owner-id ACCOUNT --region x" },
	{ "account-id", "--delegated-admin-account-id 123456789012",
	    "--delegated-admin-account-id ACCOUNT" },
	{ "account-id", "--principal 123456789012", "--principal ACCOUNT" },
	{ "account-id", "AWSLogs/o-exampleorg1/234567890123/CloudTrail/",
	    "AWSLogs/o-exampleorg1/ACCOUNT/CloudTrail/" },
	{ "account-id", "/111122223333_CloudTrail_us-east-1_20240602T0000Z.json.gz",
	    "/ACCOUNT_CloudTrail_us-east-1_20240602T0000Z.json.gz" },
	{ "account-id", "123456789012_vpcflowlogs_us-east-1_fl-1234abcd_x.log.gz",
	    "ACCOUNT_vpcflowlogs_us-east-1_fl-1234abcd_x.log.gz" },
	/* Accounts as documents write them (issue #13, class 7). */
	{ "account-id", "lists owned by AWS account ``123456789012``. ::",
	    "lists owned by AWS account ``ACCOUNT``. ::" },
	{ "account-id", "the specified AWS account (222222222222). If",
	    "the specified AWS account (ACCOUNT). If" },
	{ "account-id", "a specific AWS account \\(`123456789012`\\) be",
	    "a specific AWS account \\(`ACCOUNT`\\) be" },
	{ "account-id", "Replace [.replaceable]`111122223333` with your account",
	    "Replace [.replaceable]`ACCOUNT` with your account" },
	{ "account-id", "aws ram create-resource-share --principals 222222222222",
	    "aws ram create-resource-share --principals ACCOUNT" },
	{ "account-id", "--filters Name=owner-id,Values=123456789012",
	    "--filters Name=owner-id,Values=ACCOUNT" },
	{ "account-id", "\"ImageLocation\": \"123456789012/RHEL-8.0.0_HVM\",",
	    "\"ImageLocation\": \"ACCOUNT/RHEL-8.0.0_HVM\"," },
	{ "account-id", "<imageLocation>123456789012/my-ami</imageLocation>",
	    "<imageLocation>ACCOUNT/my-ami</imageLocation>" },
	{ "account-id", "\"Message\": \"Pending Acceptance by 444455556666\"",
	    "\"Message\": \"Pending Acceptance by ACCOUNT\"" },
	{ "account-id", "\"errorMessage\": \"No trail for the user: 123456789012\"",
	    "\"errorMessage\": \"No trail for the user: ACCOUNT\"" },
	{ "account-id", "User: 123456789012 is not authorized",
	    "User: ACCOUNT is not authorized" },
	{ "account-id", "user:123456789012", "user:ACCOUNT" },
	{ "account-id", "role_arn=arn:aws:iam:123456789012:role/Admin",
	    "role_arn=arn:aws:iam:ACCOUNT:role/Admin" },
	{ "account-id", "\"arn\": \"arn: aws: sts: : 123456789012: assumed-role/D\"",
	    "\"arn\": \"arn: aws: sts: : ACCOUNT: assumed-role/D\"" },
	{ "account-id", "\"ARN\": \"aws:arn:secretsmanager:us-west-2:123456789012:"
	    "secret:x\"", "\"ARN\": \"aws:arn:secretsmanager:us-west-2:ACCOUNT:"
	    "secret:x\"" },
	{ "account-id", "{\"AWS:SourceArn\": \"arn:aws:*:*:698519295917:*\"}",
	    "{\"AWS:SourceArn\": \"arn:aws:*:*:ACCOUNT:*\"}" },
	{ "account-id", "%22arn%3Aaws%3Aiam%3A%3A803981987763%3Aroot%22",
	    "%22arn%3Aaws%3Aiam%3A%3AACCOUNT%3Aroot%22" },
	{ "account-id", "`{arn-aws}iam::[.replaceable]``111122223333``:role/x`",
	    "`{arn-aws}iam::[.replaceable]``ACCOUNT``:role/x`" },
	{ "account-id", "\"Id\":\"us-east-1/698519295917/test__default_policy_ID\"",
	    "\"Id\":\"us-east-1/ACCOUNT/test__default_policy_ID\"" },
	{ "account-id", "\"arn:aws:s3:::b-1/StorageLens/111122223333/*\"",
	    "\"arn:aws:s3:::b-1/StorageLens/ACCOUNT/*\"" },
	{ "account-id", "https://t.s3.us-west-2.amazonaws.com/snapshots/"
	    "123456789012/fn-1", "https://t.s3.us-west-2.amazonaws.com/snapshots/"
	    "ACCOUNT/fn-1" },
	{ "account-id", "\"o-exampleorgid/r-examplerootid111/111111111111/\"",
	    "\"o-exampleorgid/r-examplerootid111/ACCOUNT/\"" },
	{ "account-id", "p_any_aws_account_ids:\n    - \"187901811700\"\n"
	    "    - 210987654321\n", "p_any_aws_account_ids:\n    - \"ACCOUNT\"\n"
	    "    - ACCOUNT\n" },
	{ "account-id", "\"Accounts\": [\n  {\n    \"Id\": \"111111111111\",\n"
	    "    \"Name\": \"x\"\n  }\n]", "\"Accounts\": [\n  {\n    \"Id\": "
	    "\"ACCOUNT\",\n    \"Name\": \"x\"\n  }\n]" },
	{ "account-id", "<entry>\n  <key>Owner</key>\n  <value>123456789012</value>",
	    "<entry>\n  <key>Owner</key>\n  <value>ACCOUNT</value>" },
	{ "arn", "\"arn:aws:logs:us-west-2:0123456789012:log-group:my-logs:*\"",
	    "\"arn:aws:logs:us-west-2:ACCOUNT:log-group:LOG_GROUP:*\"" },
	{ "arn", "arn:aws:securityhub:us-east-1:123456789012:product/"
	    "123456789012/default", "arn:aws:securityhub:us-east-1:ACCOUNT:"
	    "product/ACCOUNT/default" },
	{ "organization", "\"o-exampleorgid/r-examplerootid111/111111111111/\"",
	    "\"ORG/r-examplerootid111/111111111111/\"" },
	{ "organization", "{\"Id\": \"o-exampleorgid\", \"Type\": \"ORGANIZATION\"}",
	    "{\"Id\": \"ORG\", \"Type\": \"ORGANIZATION\"}" },
	{ "organization", "AWSLogs/o-wwwwwwgggg/234567890123/CloudTrail/",
	    "AWSLogs/ORG/234567890123/CloudTrail/" },
	{ "org-unit", "Default: ou-qxtx-vv0thlla", "Default: ORG" },
	{ "org-root", "\"o-exampleorgid/r-examplerootid111/111111111111/\"",
	    "\"o-exampleorgid/ORG/111111111111/\"" },
	{ "org-root", "o-a1b2c3d4e5/r-ab12/ou-ab12-cdefghij/",
	    "o-a1b2c3d4e5/ORG/ou-ab12-cdefghij/" },
	{ "org-root", "Path: r-examplerootid111/111111111111/",
	    "Path: ORG/111111111111/" },
	{ "dx-connection", "\"connectionId\": \"dxcon-fguhmqlc\",",
	    "\"connectionId\": \"DX\"," },
	{ "dx-connection", "--connection-id dxcon-ffabc123", "--connection-id DX" },
	{ "dx-connection", "(dxcon-abcdefgh)", "(DX)" },
	{ "dx-lag", "\"lagId\": \"dxlag-ffrz71kw\",", "\"lagId\": \"DX\"," },
	{ "dx-lag", "--lag-id dxlag-fgkk4dja", "--lag-id DX" },
	{ "dx-lag", "(dxlag-abcdefgh)", "(DX)" },
	{ "dx-vif", "\"virtualInterfaceId\": \"dxvif-fgrb110x\",",
	    "\"virtualInterfaceId\": \"DX\"," },
	{ "dx-vif", "--virtual-interface-id dxvif-ffhhk74f",
	    "--virtual-interface-id DX" },
	{ "dx-vif", "(dxvif-abcdefgh)", "(DX)" },
	{ "keyed-iam-id", "principalId: 0123456789:AWSCloudFormation",
	    "principalId: ACCOUNT:AWSCloudFormation" },
	{ "resource-name", "<DBSnapshotIdentifier>mydbsnapshot</DBSnapshotIdentifier>",
	    "<DBSnapshotIdentifier>RDS</DBSnapshotIdentifier>" },
	{ "resource-name", "<OptionGroupName>myoptiongroupname</OptionGroupName>",
	    "<OptionGroupName>RDS</OptionGroupName>" },
	{ "resource-name", "--option-group-name og-1 <OptionGroupName>default.mysql5.1"
	    "</OptionGroupName>", "--option-group-name RDS <OptionGroupName>"
	    "default.mysql5.1</OptionGroupName>" },
	{ "keyed-id", "\"WorkspaceId\": \"ws-dk1xzr417\",",
	    "\"WorkspaceId\": \"RESOURCE_ID\"," },
	{ "keyed-id", "\"KmsKeyId\": \"alias/my-kms-key\",",
	    "\"KmsKeyId\": \"alias/KMS_ALIAS\"," },
	{ "keyed-id", "kms_key_id: alias/team-key",
	    "kms_key_id: alias/KMS_ALIAS" },
	/* An alias is no opaque ID: the alias's name, as --alias-name. */
	{ "keyed-id", "\"KeyId\": \"alias/my-key1\", \"RoleId\": "
	    "\"arn:aws:iam::123456789012:role/r1\"", "\"KeyId\": "
	    "\"alias/KMS_ALIAS\", \"RoleId\": "
	    "\"arn:aws:iam::123456789012:role/r1\"" },
	{ "keyed-id", "\"AssociationId\": \"vpc-cidr-assoc-062c64cfafEXAMPLE\"",
	    "\"AssociationId\": \"AWS_ID\"" },
	{ "keyed-id", "\"VpcPeeringConnectionId\": \"pcx-abababab\",",
	    "\"VpcPeeringConnectionId\": \"PCX\"," },
	/* Addresses under an address key, in its array, or with /nn. */
	{ "ipv4", "\"PrivateIpAddress\": \"10-0-0-157\",",
	    "\"PrivateIpAddress\": \"PRIVATE_IP\"," },
	{ "ipv4", "'private_ip': '10-0-0-157'", "'private_ip': 'PRIVATE_IP'" },
	{ "ipv4", "privateIpAddress: 10-0-0-158 ip=10-0-0-1 Addr: 8-8-8-8",
	    "privateIpAddress: PRIVATE_IP ip=PRIVATE_IP Addr: PUBLIC_IP" },
	{ "ipv4", "\"publicAccessCidrs\": [\n    \"22.19.18.2/32\"\n]",
	    "\"publicAccessCidrs\": [\n    \"PUBLIC_IP/32\"\n]" },
	{ "ipv4", "\"p_any_ip_addresses\": [\"10.1.1.1\", \"8.8.8.8\"]",
	    "\"p_any_ip_addresses\": [\"PRIVATE_IP\", \"PUBLIC_IP\"]" },
	{ "ipv4", "{ \"Class\": \"IN\", \"Rdata\": \"1.2.3.4\", \"Type\": \"A\" }",
	    "{ \"Class\": \"IN\", \"Rdata\": \"PUBLIC_IP\", \"Type\": \"A\" }" },
	{ "ipv4", "allow 1.2.3.4/24 in", "allow PUBLIC_IP/24 in" },
	/* Kinds known in one shape only (issue #13, classes 3 and 5). */
	{ "rds-endpoint", "\"Endpoint\": \"proxyExample.proxy-ab0cd1efghij."
	    "us-east-1.rds.amazonaws.com\"", "\"Endpoint\": \"RDS.us-east-1.rds."
	    "amazonaws.com\"" },
	{ "rds-endpoint", "mydb.us-east-1.rds.amazonaws.com",
	    "RDS.us-east-1.rds.amazonaws.com" },
	{ "cloudfront-domain", "\"DomainName\": \"abcdefgh12ijk.cloudfront.net\"",
	    "\"DomainName\": \"CLOUDFRONT.cloudfront.net\"" },
	{ "cloudfront-domain", "\"Via\": \"1.1 d98420743a69852491bbdea73f7680bd."
	    "cloudfront.net (CloudFront)\"", "\"Via\": \"1.1 CLOUDFRONT."
	    "cloudfront.net (CloudFront)\"" },
	{ "eks-endpoint", "https://JSA79429HJDASKJDJ8223829MNDNASW.yl4.us-east-2."
	    "eks.amazonaws.com", "https://EKS_CLUSTER.yl4.us-east-2."
	    "eks.amazonaws.com" },
	{ "eks-oidc-issuer", "https://oidc.eks.us-east-2.amazonaws.com/id/"
	    "JSA79429HJDASKJDJ8223829MNDNASW", "https://oidc.eks.us-east-2."
	    "amazonaws.com/id/EKS_CLUSTER" },
	{ "beanstalk-host", "<CNAME>SampleApp-jxb293wg7n.elasticbeanstalk."
	    "amazonaws.com</CNAME>", "<CNAME>EB_ENV.elasticbeanstalk."
	    "amazonaws.com</CNAME>" },
	{ "beanstalk-host", "my-env.eba-abcd1234.us-east-1.elasticbeanstalk.com",
	    "EB_ENV.eba-abcd1234.us-east-1.elasticbeanstalk.com" },
	{ "beanstalk-host", "http://prod.us-west-2.elasticbeanstalk.com/",
	    "http://EB_ENV.us-west-2.elasticbeanstalk.com/" },
	{ "awsapps-host", "sso_start_url = https://my-sso-portal.awsapps.com/start",
	    "sso_start_url = https://DIRECTORY.awsapps.com/start" },
	{ "awsapps-host", "https://d-1234567890.awsapps.com/start",
	    "https://DIRECTORY.awsapps.com/start" },
	{ "awsapps-host", "(corp.awsapps.com)", "(DIRECTORY.awsapps.com)" },
	{ "s3-access-log", "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7"
	    "cd47ef2be awsexamplebucket1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 "
	    "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be "
	    "3E57427F3EXAMPLE REST.GET.VERSIONING -", "S3_CANONICAL BUCKET "
	    "[06/Feb/2019:00:00:38 +0000] 192.0.2.3 S3_CANONICAL "
	    "3E57427F3EXAMPLE REST.GET.VERSIONING -" },
	{ "s3-access-log", "x [06/Feb/2019:00:01:57 +0000] 2001:db8::1 "
	    "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be "
	    "DD6CC733AEXAMPLE", "x [06/Feb/2019:00:01:57 +0000] 2001:db8::1 "
	    "S3_CANONICAL DD6CC733AEXAMPLE" },
	{ "s3-access-log", "1. 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d52"
	    "18e7cd47ef2be my.bucket [06/Feb/2019:00:00:38 +0000] - -",
	    "1. S3_CANONICAL BUCKET [06/Feb/2019:00:00:38 +0000] - -" },
	{ "s3-canonical-user", "\"bucketowner\": \"2c8e3610de4102c8e3610de4102c8e"
	    "3610de410\",", "\"bucketowner\": \"S3_CANONICAL\"," },
	{ "session-token", "--web-identity-token \"Atza%7CIQEBLjAsAhRFiXuWpUXuRvQ9"
	    "PZL3GMFcYevydwIUFAHZwXZ\"", "--web-identity-token \"SESSION_TOKEN\"" },
	{ "session-token", "\"WebIdentityToken\": \"eyJhbGciOiJSUzI1NiJ9.eyJzdWIi"
	    "OiJ4In0.c2lnbmF0dXJl\",", "\"WebIdentityToken\": \"SESSION_TOKEN\"," },
	{ "kms-key-id", "aws kms create-alias --target-key-id 1234abcd-12ab-34cd-"
	    "56ef-1234567890ab", "aws kms create-alias --target-key-id KMS_KEY" },
	{ "kms-key-id", "the KMS key identified by key ID ``1234abcd-12ab-34cd-"
	    "56ef-1234567890ab``.", "the KMS key identified by key ID "
	    "``KMS_KEY``." },
	{ "route53-zone", "the ``hosted-zone-id`` ``Z1R8UBAEXAMPLE`` and",
	    "the ``hosted-zone-id`` ``ROUTE53_ZONE`` and" },
	{ "route53-zone", "about the hosted zone with an ``id`` of "
	    "``Z1R8UBAEXAMPLE``::", "about the hosted zone with an ``id`` of "
	    "``ROUTE53_ZONE``::" },
	{ "route53-zone", "aws route53 get-hosted-zone --id Z1R8UBAEXAMPLE",
	    "aws route53 get-hosted-zone --id ROUTE53_ZONE" },
	{ "route53-zone", "one tag from the hosted zone with ID Z3M3LMPEXAMPLE.",
	    "one tag from the hosted zone with ID ROUTE53_ZONE." },
	{ "cloudfront-distribution", "\"Id\": \"E2GJ5J9QNABC\",",
	    "\"Id\": \"CF_DIST\"," },
	{ "cloudfront-distribution", "<Id>EDFDVBD6EXAMPLE</Id>",
	    "<Id>CF_DIST</Id>" },
	{ "cloudfront-distribution", "<OriginAccessIdentity>origin-access-"
	    "identity/cloudfront/E74FTE3AEXAMPLE</OriginAccessIdentity>",
	    "<OriginAccessIdentity>origin-access-identity/cloudfront/CF_DIST"
	    "</OriginAccessIdentity>" },
	{ "cloudfront-distribution", "\"arn:aws:iam::cloudfront:user/CloudFront "
	    "Origin Access Identity EH1HDMB1FH2TC\"", "\"arn:aws:iam::cloudfront:"
	    "user/CloudFront Origin Access Identity CF_DIST\"" },
	{ "cognito-user-pool", "\"identityId\": \"us-east-1:3f291106-8703-466b-"
	    "8f2b-3ecee1ca56ce\",", "\"identityId\": \"COGNITO_POOL\"," },
	{ "arn", "arn:aws:iam::12345678012:user/division_abc/Bob",
	    "arn:aws:iam::ACCOUNT:user/IAM_PATH/IAM_USER" },
	{ "arn", "arn:aws:sqs:us-east-1:80398EXAMPLE:MyQueue",
	    "arn:aws:sqs:us-east-1:ACCOUNT:SQS_QUEUE" },
	{ "arn", "arn:aws:sts::xxx:assumed-role/Dev/jane",
	    "arn:aws:sts::xxx:assumed-role/IAM_ROLE/IAM_USER" },
	{ "arn", "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole",
	    "arn:aws:iam::ACCOUNT:role/service-role/IAM_ROLE" },
	{ "resource-name", "<groupName>notebook</groupName>",
	    "<groupName>GROUP_NAME</groupName>" },
	{ "resource-name", "<DBInstanceIdentifier>simcoprod01</DBInstanceIdentifier>",
	    "<DBInstanceIdentifier>RDS</DBInstanceIdentifier>" },
	{ "resource-name", "<Bucket><Name>botostats</Name><CreationDate>",
	    "<Bucket><Name>BUCKET</Name><CreationDate>" },
	{ "resource-name", "LaunchTemplateName=my-template,Version='$Latest'",
	    "LaunchTemplateName=LAUNCH_TEMPLATE,Version='$Latest'" },
	{ "resource-name", "--auto-scaling-group-names \"g-1\" \"g-2\" \"g-3\"",
	    "--auto-scaling-group-names \"ASG\" \"ASG\" \"ASG\"" },
	{ "resource-name", "--role-name web-role and more words",
	    "--role-name IAM_ROLE and more words" },
	{ "resource-name", "\"LifecycleHookName\": \"my-hook\",",
	    "\"LifecycleHookName\": \"RESOURCE_NAME\"," },
	{ "resource-name", "\"S3BucketName\": \"trail-logs\"",
	    "\"S3BucketName\": \"BUCKET\"" },
	{ "resource-name", "    aws_s3_bucket: trail-bucket-0ipb5nzxam\n",
	    "    aws_s3_bucket: BUCKET\n" },
	{ "resource-name", "\"DirectoryId\": \"d-1234567890\", "
	    "\"ShortName\": \"corpdir\"",
	    "\"DirectoryId\": \"d-1234567890\", \"ShortName\": "
	    "\"RESOURCE_NAME\"" },
	{ "resource-name", "--username monty", "--username IAM_USER" },
	{ "sqs-url", "https://queue.amazonaws.com/80398EXAMPLE/MyQueue",
	    "https://queue.amazonaws.com/ACCOUNT/SQS_QUEUE" },
	{ "keyed-id", "\"ImageId\": \"ami-0123456789abcdefg\",",
	    "\"ImageId\": \"AMI\"," },
	{ "keyed-id", "<groupId>sg-abc1234</groupId>", "<groupId>SG</groupId>" },
	{ "keyed-id", "vpc_id: vpc-abc123", "vpc_id: VPC" },
	{ "keyed-id", "\"AttachmentId\": \"eni-attach-1234567890abcdefg\"",
	    "\"AttachmentId\": \"ENI\"" },
	/* Opaque IDs under an ID key, in every format (issue #13). */
	{ "keyed-id", "\"DetectorId\": \"12abc34d567e8fa901bc2d34eexample\",",
	    "\"DetectorId\": \"RESOURCE_ID\"," },
	{ "keyed-id", "    TableId: a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
	    "    TableId: RESOURCE_ID" },
	{ "keyed-id", "backup_job_id = 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
	    "backup_job_id = RESOURCE_ID" },
	{ "keyed-id", "<EnvironmentId>e-icsgecu3wf</EnvironmentId>",
	    "<EnvironmentId>RESOURCE_ID</EnvironmentId>" },
	{ "keyed-id", "Starting session with SessionId: Jane-Roe-07a16060613c408b5",
	    "Starting session with SessionId: RESOURCE_ID" },
	{ "keyed-id", "\"PhysicalResourceId\": \"my-function-SEZV4XMPL4S5\"",
	    "\"PhysicalResourceId\": \"RESOURCE_ID\"" },
	{ "keyed-id", "{\"resourceId\": \"roq9wj\", \"apiId\": \"gy415nuibc\"}",
	    "{\"resourceId\": \"RESOURCE_ID\", \"apiId\": \"RESOURCE_ID\"}" },
	{ "keyed-id", "\"ExternalId\": \"123456\"", "\"ExternalId\": \"RESOURCE_ID\"" },
	{ "api-gateway-id", "{\"createdDate\": 1438884790, \"id\": \"12s44z21rb\", "
	    "\"name\": \"My First API\"}", "{\"createdDate\": 1438884790, \"id\": "
	    "\"API_GW\", \"name\": \"My First API\"}" },
	{ "api-gateway-id", "{\n  \"id\": \"a1b2c3d4e5\",\n  \"tags\": {},\n  "
	    "\"createdDate\": 1438884790\n}", "{\n  \"id\": \"API_GW\",\n  "
	    "\"tags\": {},\n  \"createdDate\": 1438884790\n}" },
	{ "api-gateway-id", "{\\\"createdDate\\\": 1, \\\"id\\\": \\\"0a1b2c3d4e\\\"}",
	    "{\\\"createdDate\\\": 1, \\\"id\\\": \\\"API_GW\\\"}" },
	{ "rds-automated-snapshot", "<DBSnapshotIdentifier>rds:simcoprod01-2012-"
	    "04-02-00-01</DBSnapshotIdentifier>", "<DBSnapshotIdentifier>rds:RDS-"
	    "2012-04-02-00-01</DBSnapshotIdentifier>" },
	{ "rds-automated-snapshot", "\"DBSnapshotIdentifier\": "
	    "\"rds:my-db-1-2024-01-15-10-30\"", "\"DBSnapshotIdentifier\": "
	    "\"rds:RDS-2024-01-15-10-30\"" },
	{ "rds-automated-snapshot", "--db-snapshot-identifier rds:mydb-2024-01-"
	    "15-10-30 ", "--db-snapshot-identifier rds:RDS-2024-01-15-10-30 " },
	{ "keyed-id-item", "\"DetectorIds\": [\n  \"12abc34d567e8fa901bc2d34eexample\",\n"
	    "  \"b6b992d6d2f48e64bc59180bfexample\"\n]",
	    "\"DetectorIds\": [\n  \"RESOURCE_ID\",\n  \"RESOURCE_ID\"\n]" },
	{ "keyed-id-item", "DetectorIds:\n  - 12abc34d567e8fa901bc2d34eexample\n"
	    "  - \"b6b992d6d2f48e64bc59180bfexample\"",
	    "DetectorIds:\n  - RESOURCE_ID\n  - \"RESOURCE_ID\"" },
	{ "keyed-id-item", "SubnetIds:\n- subnet-abc123\n- 1234",
	    "SubnetIds:\n- SUBNET\n- 1234" },
	{ "keyed-id-item", "\"RoleNames\": [\n  \"payroll-app\",\n"
	    "  \"web.role@x\",\n  \"example\"\n]",
	    "\"RoleNames\": [\n  \"IAM_ROLE\",\n  \"IAM_ROLE\",\n  \"example\"\n]" },
	{ "keyed-id-item", "table_names:\n  - GameScores\n  - \"Music\"",
	    "table_names:\n  - DYNAMODB_TABLE\n  - \"DYNAMODB_TABLE\"" },
	{ "keyed-id-item", "\"eventSource\": \"ssm.amazonaws.com\",\n"
	    "\"names\": [\n  \"/app/db-pass\",\n  \"/app/api-key\",\n]",
	    "\"eventSource\": \"ssm.amazonaws.com\",\n"
	    "\"names\": [\n  \"/PARAM\",\n  \"/PARAM\",\n]" },
	{ "keyed-id-item", "aws ssm describe-parameters\n{\"Key\": \"Name\", "
	    "\"Option\": \"Equals\", \"Values\": [\n  \"/app/db-pass\"\n]}",
	    "aws ssm describe-parameters\n{\"Key\": \"Name\", "
	    "\"Option\": \"Equals\", \"Values\": [\n  \"/PARAM\"\n]}" },
	{ "keyed-id-item", "{\"Values\": [\n  \"web-server-1\"\n], \"Key\": \"Name\"}",
	    "{\"Values\": [\n  \"NAME_TAG\"\n], \"Key\": \"Name\"}" },
	{ "keyed-id-item", "TagFilters:\n  - Key: Name\n    Values:\n"
	    "      - web-server-1\n",
	    "TagFilters:\n  - Key: Name\n    Values:\n      - NAME_TAG\n" },
	{ "keyed-id", "<VpcId>990524496922</VpcId>",
	    "<VpcId>RESOURCE_ID</VpcId>" },
	{ "keyed-id", "\"VersionId\": \"3HL4kqtJlcpXroDTDmJrmSpXd3dIbrHY\"",
	    "\"VersionId\": \"RESOURCE_ID\"" },
	{ "keyed-id", "\"MoveToVersionId\": \"EXAMPLE1-90ab-cdef-fedc-ba987SECRET1\"",
	    "\"MoveToVersionId\": \"RESOURCE_ID\"" },
	{ "keyed-id", "\"SubnetId\": \"12345678\", vpc_id = 20240115",
	    "\"SubnetId\": \"RESOURCE_ID\", vpc_id = RESOURCE_ID" },
	{ "keyed-id", "\"DetectorIds\": [\"12abc34d567e8fa901bc2d34eexample\", "
	    "\"b6b992d6d2f48e64bc59180bfexample\"], \"x\": [\"a1b2c3d4e5\"]",
	    "\"DetectorIds\": [\"RESOURCE_ID\", \"RESOURCE_ID\"], "
	    "\"x\": [\"a1b2c3d4e5\"]" },
	{ "keyed-id", "\"AssociationId\": \"vpc-cidr-assoc-062c64cfafEXAMPLE\"",
	    "\"AssociationId\": \"AWS_ID\"" },
	{ "keyed-id", "--filters Name=volume-id,Values=049df61146c4d7901,vol-1a2b",
	    "--filters Name=volume-id,Values=RESOURCE_ID,EBS_VOL" },
	{ "keyed-id", "\"instance_uid\": \"i-0abc234\", \"vpc_uid\": \"vpc-abc123\"",
	    "\"instance_uid\": \"EC2\", \"vpc_uid\": \"VPC\"" },
	{ "keyed-id", "\"SpotFleetRequestId\": \"sfr-73fbd2ce-aa30-494c-8788-1cee4EXAMPLE\"",
	    "\"SpotFleetRequestId\": \"SPOT\"" },
	{ "keyed-id", "\"GatewayId\": \"igw-fEXAMPLE\",",
	    "\"GatewayId\": \"IGW\"," },
	{ "resource-name", "--detector-id 12abc34d567e8fa901bc2d34eexample \\",
	    "--detector-id RESOURCE_ID \\" },
	{ "resource-name", "--vpc-subnet-ids subnetgroup1 subnetgroup2",
	    "--vpc-subnet-ids RESOURCE_ID RESOURCE_ID" },
	{ "resource-name", "aws sts assume-role --external-id 987654321",
	    "aws sts assume-role --external-id RESOURCE_ID" },
	/* Documents' shapes of known prefixes, in free text. */
	{ "ec2-instance", "see i-1234567890abcdefg and i-abcdefg1234567890.",
	    "see EC2 and EC2." },
	{ "ami", "ami-1234567890EXAMPLE", "AMI" },
	{ "security-group", "\"sg-05cd7b25d6example\"", "\"SG\"" },
	{ "internet-gateway", "igw-fEXAMPLE igw-c0a643a9", "IGW IGW" },
	{ "vpc-endpoint-dns", "vpce-0f89a33420c1931d7-bluzidnv.elasticloadbalancing"
	    ".us-east-1.vpce.amazonaws.com",
	    "VPCE-VPCE.elasticloadbalancing.us-east-1.vpce.amazonaws.com" },
	{ "vpc-endpoint-dns", "\"vpce-0f89a33420c1931d7-bluzidnv-us-east-1b.ec2"
	    ".us-east-1.vpce.amazonaws.com\"",
	    "\"VPCE-VPCE-us-east-1b.ec2.us-east-1.vpce.amazonaws.com\"" },
	{ "vpc-endpoint-dns", "*.vpce-0123456789abcdef0-a1b2c3d4.s3.us-east-1.vpce"
	    ".amazonaws.com", "*.VPCE-VPCE.s3.us-east-1.vpce.amazonaws.com" },
	{ "resource-name", "--transit-gateway-id tgw-0bf0bffefaEXAMPLE \\",
	    "--transit-gateway-id TGW \\" },
	{ "resource-name", "--image-ids ami-1234567890EXAMPLE ami-0abc",
	    "--image-ids AMI AMI" },
	{ "keyed-access-key", "\"accessKey\": \"ANEXAMPLEOFACCESSKEY\",",
	    "\"accessKey\": \"ACCESS_KEY\"," },
	{ "keyed-access-key", "accessKeyId: ABCDEFGHIJKLMNOP",
	    "accessKeyId: ACCESS_KEY" },
	{ "keyed-access-key", "<AccessKeyId>ASIAFFA5AFEC02FFCD8ED</AccessKeyId>",
	    "<AccessKeyId>ACCESS_KEY</AccessKeyId>" },
	{ "keyed-iam-id", "\"principalId\": \"ARORJ4ULULLE0EEJAAKDO:alan\",",
	    "\"principalId\": \"IAM_ID:IAM_USER\"," },
	{ "keyed-iam-id", "\"userId\": \"EXAMPLEUSERID\"",
	    "\"userId\": \"IAM_ID\"" },
	{ "keyed-iam-id", "\"AssumedRoleId\": \"ARO123EXAMPLE123:Bob\"",
	    "\"AssumedRoleId\": \"IAM_ID:IAM_USER\"" },
	{ "ipv4", "\"sourceIPAddress\": \"1.2.3.4\",",
	    "\"sourceIPAddress\": \"PUBLIC_IP\"," },
	{ "ipv4", "srcaddr=5.6.7.8 dstaddr=8.8.8.8",
	    "srcaddr=PUBLIC_IP dstaddr=PUBLIC_IP" },
	{ "arn", "rolearn: {arn-aws}iam::111122223333:role/my-node-role",
	    "rolearn: {arn-aws}iam::ACCOUNT:role/IAM_ROLE" },
	{ "account-id", "3 eni-1235b8ca123456789 123456789010 IPv4 x",
	    "3 eni-1235b8ca123456789 ACCOUNT IPv4 x" },
	{ "keyed-iam-id", "\"principalId\": \"AROAT7BCMNLMONMOFFFFF:AWS-SSO\"",
	    "\"principalId\": \"IAM_ID:AWS-SSO\"" },
	{ "kms-key-id", "SSEType=KMS,KMSMasterKeyId=abcd1234-abcd-1234-a123-ab1234a1b234",
	    "SSEType=KMS,KMSMasterKeyId=KMS_KEY" },
	{ "kms-key-id", "<KeyId>1234abcd-12ab-34cd-56ef-1234567890ab</KeyId>",
	    "<KeyId>KMS_KEY</KeyId>" },
	{ "route53-zone", "HostedZoneId: Z2P70J7EXAMPLE",
	    "HostedZoneId: ROUTE53_ZONE" },
	{ "route53-zone", "<HostedZoneId>Z1D633PJN98FT9</HostedZoneId>",
	    "<HostedZoneId>ROUTE53_ZONE</HostedZoneId>" },
	{ "prose-name", "creates a role named ``Test-Role``.",
	    "creates a role named ``IAM_ROLE``." },
	{ "prose-name", "a table called `GameScores` with",
	    "a table called `DYNAMODB_TABLE` with" },
	{ "prose-name", "to the bucket named *my-logs*;",
	    "to the bucket named *BUCKET*;" },
	{ "prose-name", "the trail named \"myTrail2\"",
	    "the trail named \"RESOURCE_NAME\"" },
	{ "prose-name", "a role profile named `marketingadmin`\\.",
	    "a role profile named `RESOURCE_NAME`\\." },
	{ "prose-name", "adds a hosted zone named ``example.com`` using",
	    "adds a hosted zone named ``RESOURCE_NAME`` using" },
	{ "prose-name", "a subfolder named `my-logs` in",
	    "a subfolder named `RESOURCE_NAME` in" },
	{ "prose-name", "from a log stream named ``20150601`` in",
	    "from a log stream named ``RESOURCE_NAME`` in" },
	{ "s3-virtual-host", "\"Id\": \"my-site.s3.amazonaws.com-cli-example\"",
	    "\"Id\": \"BUCKET.s3.amazonaws.com-cli-example\"" },
	{ "arn", "arn:aws:dynamodb:us-west-2:123456789012:table/Games/index/ByDate",
	    "arn:aws:dynamodb:us-west-2:ACCOUNT:table/DYNAMODB_TABLE/index/DYNAMODB_TABLE" },
	{ "name-tag", "Tags=[{Key=Name,Value=web-1},{Key=Env,Value=prod}]",
	    "Tags=[{Key=Name,Value=NAME_TAG},{Key=Env,Value=prod}]" },
	{ "name-tag", "--tags Key=Name,Value=web-2 Key=Stack,Value=production",
	    "--tags Key=Name,Value=NAME_TAG Key=Stack,Value=production" },
	{ "name-tag", "{\"Key\": \"Name\", \"Value\": \"Beta Server\"}",
	    "{\"Key\": \"Name\", \"Value\": \"NAME_TAG\"}" },
	{ "name-tag", "{\n  \"Value\": \"my-instance\",\n  \"Key\": \"Name\"\n}",
	    "{\n  \"Value\": \"NAME_TAG\",\n  \"Key\": \"Name\"\n}" },
	{ "name-tag", "Tags:\n  - Key: Name\n    Value: web-3\n  - Key: Env\n"
	    "    Value: staging\n",
	    "Tags:\n  - Key: Name\n    Value: NAME_TAG\n  - Key: Env\n"
	    "    Value: staging\n" },
	{ "name-tag", "<item><key>Name</key><value>xml-web</value></item>"
	    "<item><key>Role</key><value>db</value></item>",
	    "<item><key>Name</key><value>NAME_TAG</value></item>"
	    "<item><key>Role</key><value>db</value></item>" },
	{ "name-tag", "  - Key: Name\n    Value: web-4\n  - Key: Owner\n"
	    "    Value: Alice Smith\n",
	    "  - Key: Name\n    Value: NAME_TAG\n  - Key: Owner\n"
	    "    Value: Alice Smith\n" },
	{ "aws-id", "--instance-event-window-id iew-0abcdef1234567890",
	    "--instance-event-window-id AWS_ID" },
	{ "aws-id", "\"AssociationId\": \"iip-assoc-0db249b1f25fa24b8\",",
	    "\"AssociationId\": \"AWS_ID\"," },
	{ "aws-id", "(ipv4pool-ec2-1234567890abcdef0)", "(AWS_ID)" },
	{ "aws-id", "<kernelId>aki-98e26fa8</kernelId>",
	    "<kernelId>AWS_ID</kernelId>" },
	{ "s3-canonical-user", "--grants read=uri=x full=id=79a59df900b949e55d96a1e698fbac"
	    "edfd6e09d98eacf8f8d5218e7cd47ef2be",
	    "--grants read=uri=x full=id=S3_CANONICAL" },
	{ "s3-canonical-user", "--grant-read id=79a59df900b949e55d96a1e698fbac"
	    "edfd6e09d98eacf8f8d5218e7cd47ef2be",
	    "--grant-read id=S3_CANONICAL" },
	{ "s3-uri", "s3://my-bucket/k s3://cloudformation-examples-us-east-1/x",
	    "s3://BUCKET/k s3://cloudformation-examples-us-east-1/x" },
};

static const struct negative negatives[] = {
	{ "resource-name", "{\"ShortName\": \"Mon\", \"DayOfWeek\": 1}" },
	{ "s3-canonical-user", "sha256:"
	    "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be" },
	{ "s3-canonical-user", "\"ETag\": "
	    "\"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be\"" },
	{ "s3-canonical-user", "\"id\": "
	    "\"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be0\"" },
	{ "arn", "arn:aws:iam::aws:policy/ReadOnlyAccess" },
	{ "arn", "arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM" },
	{ "arn", "arn:aws:s3:::*" },
	{ "arn", "arn:aws:ssm:us-east-1::parameter/aws/service/"
	    "ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2" },
	{ "arn", "barn:aws:iam::123456789012:role/x" },
	{ "arn", "arn:foo:iam::123456789012:role/x" },
	{ "arn", "the arn: prefix" },
	{ "arn", "arn:aws:kms:us-east-1::alias/aws/ebs" },
	{ "sqs-url", "https://sqs.us-east-1.amazonaws.com/" },
	{ "sqs-url", "https://sqs.us-east-1.amazonaws.com/12345/orders" },
	{ "sqs-url", "https://example.com/123456789012/orders" },
	{ "ecr-registry", "1234567890.dkr.ecr.us-east-1.amazonaws.com/app" },
	{ "ecr-registry", "123456789012.dkr.ecr.example.com/app" },
	{ "ecr-registry", "x123456789012.dkr.ecr.us-east-1.amazonaws.com" },
	{ "s3-uri", "s3://" },
	{ "s3-uri", "s3://a" },
	{ "s3-uri", "xs3://my-bucket" },
	{ "s3-uri", "s3:/my-bucket" },
	{ "s3-virtual-host", "https://s3.amazonaws.com/my-bucket" },
	{ "s3-virtual-host", "my-bucket.s3.example.com" },
	{ "s3-virtual-host", "bucket.s4.amazonaws.com" },
	{ "s3-virtual-host", "logs.s3.amazonaws.com-mirror.example.net" },
	{ "s3-virtual-host", "vpce-0123456789abcdef0-abcdefgh.s3.us-east-1.vpce."
	    "amazonaws.com" },
	{ "s3-path-url", "https://s3.amazonaws.com/" },
	{ "s3-path-url", "https://example.com/my-bucket/key" },
	{ "s3-path-url", "my-bucket.s3.amazonaws.com/key" },
	{ "ec2-hostname", "ip-10-0-1-999.ec2.internal" },
	{ "ec2-hostname", "ip-10-0-1.ec2.internal" },
	{ "ec2-hostname", "ip-10-0-1-23.example.com" },
	{ "ec2-hostname", "myip-10-0-1-23.ec2.internal" },
	{ "rds-endpoint", "rds.us-east-1.amazonaws.com" },
	{ "rds-endpoint", "mydb.c9akciq32xyz.us-east-1.rds.example.com" },
	{ "rds-endpoint", "rds.amazonaws.com" },
	{ "elasticache-endpoint", "cache.amazonaws.com" },
	{ "elasticache-endpoint", "my-redis.use1.cache.amazonaws.com" },
	{ "elasticache-endpoint", "my-redis.abc123.0001.use1.cache.example.com" },
	{ "redshift-endpoint", "redshift.amazonaws.com" },
	{ "redshift-endpoint", "mycluster.us-west-2.redshift.amazonaws.com" },
	{ "redshift-endpoint", "mycluster.abc123xyz789.us-west-2.redshift."
	    "example.com" },
	{ "elb-hostname", "elb.amazonaws.com" },
	{ "elb-hostname", "my-alb.us-east-1.elb.amazonaws.com" },
	{ "elb-hostname", "my-alb-1234567890.us-east-1.elb.example.com" },
	{ "api-gateway-host", "a1b2c3.execute-api.us-east-1.amazonaws.com" },
	{ "api-gateway-host", "a1b2c3d4e5.execute-api.example.com" },
	{ "api-gateway-host", "execute-api.us-east-1.amazonaws.com" },
	{ "cloudfront-domain", "cloudfront.net" },
	{ "cloudfront-domain", "abcdefghijkl.cloudfront.net" },
	{ "cloudfront-domain", "d111.cloudfront.net" },
	{ "eks-endpoint", "https://abcdef0123456789abcdef0123456789.gr7."
	    "us-west-2.eks.amazonaws.com" },
	{ "eks-endpoint", "ABCDEF.gr7.us-west-2.eks.amazonaws.com" },
	{ "eks-endpoint", "eks.amazonaws.com" },
	{ "lambda-url", "abc123.lambda-url.us-east-1.on.aws" },
	{ "lambda-url", "lambda-url.us-east-1.on.aws" },
	{ "lambda-url", "abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1."
	    "example.com" },
	{ "opensearch-endpoint", "search-x.us-east-1.es.amazonaws.com" },
	{ "opensearch-endpoint", "es.amazonaws.com" },
	{ "opensearch-endpoint", "search-mydomain-abcdefghijklmnop.us-east-1.es."
	    "example.com" },
	{ "secret-access-key", "aws_secret_access_key = short" },
	{ "secret-access-key", "commit 3f786850e387550fdab836ed7e6dc881de23001b" },
	{ "secret-access-key", "aws_secret_access_key = "
	    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYwJalrXUtnFEMI/K7MDENG/bP" },
	{ "secret-access-key", "secret_key = not-a-key-at-all-but-words" },
	{ "session-token", "aws_session_token = short" },
	{ "session-token", "the session token expired" },
	{ "session-token", "SessionToken: " },
	{ "access-key-id", "AKIAIOSFODNN7EXAMPL" },
	{ "access-key-id", "AKIAIOSFODNN7EXAMPLEX" },
	{ "access-key-id", "xAKIAIOSFODNN7EXAMPLE" },
	{ "access-key-id", "akiaiosfodnn7example" },
	{ "iam-unique-id", "AIDA" },
	{ "iam-unique-id", "AIDAJQABLZS4A3QDU576Q1X" },
	{ "iam-unique-id", "AKIAIOSFODNN7EXAMPLE" },
	{ "iam-unique-id", "ABCDJQABLZS4A3QDU576Q" },
	{ "iam-unique-id", "AIDAJQABLZS4A3QDU57" },
	{ "iam-unique-id", "AIDAJQABLZS4A3QDU576Q1" },
	{ "iam-unique-id", "AROAEXAMPLEID12:jane" },
	{ "account-id", "order 123456789012 shipped" },
	{ "account-id", "epoch 163456789012" },
	{ "account-id", "account 1234567890123" },
	{ "account-id", "\"OwnerId\": \"12345678901\"" },
	{ "account-id", "accounting 123456789012" },
	{ "account-id", "1123456789012 eni-0a1b2c3d4e5f60789" },
	{ "account-id", "123456789012 eni-attached" },
	{ "account-id", "\"orders\": [\"123456789012\", \"987654321098\"]" },
	{ "account-id", "[\"123456789012\"]" },
	{ "account-id", "\"OrderId\": \"123456789012\"" },
	{ "account-id", "\"Resource\": [\n  \"x\",\n  \"123456789012\"\n]" },
	{ "account-id", "\"n\": [1, \"123456789012\"]" },
	{ "account-id", "[id=1234567890123] [id=123456789012x]" },
	{ "account-id", "sso_accounting_id = 123456789012" },
	{ "kms-key-id", "request id 1234abcd-12ab-34cd-56ef-1234567890ab" },
	{ "kms-key-id", "\"EventId\": \"1234abcd-12ab-34cd-56ef-1234567890ab\"" },
	{ "kms-key-id", "\"KeyId\": \"alias/my-key\"" },
	{ "kms-key-id", "monkey/1234abcd-12ab-34cd-56ef-1234567890ab" },
	{ "route53-zone", "Z1D633PJN98FT9" },
	{ "route53-zone", "hostedzone/z1d633pjn98ft9" },
	{ "route53-zone", "\"CanonicalHostedZoneId\": \"Z35SXDOTRQ7X7K\"" },
	{ "cloudfront-distribution", "EDFDVBD6EXAMPLE" },
	{ "cloudfront-distribution", "git checkout --id EDFDVBD6EXAMPLE" },
	{ "cloudfront-distribution", "\"Id\": \"EXAMPLE\"" },
	{ "cloudfront-distribution", "a Linux distribution ENTERPRISE" },
	{ "cloudfront-distribution", "distribution e2qwruhapomqzl" },
	{ "cloudfront-distribution", "redistribution E2QWRUHAPOMQZL" },
	{ "log-group", "/aws/service/ami-amazon-linux-latest/x" },
	{ "log-group", "https://github.com/aws/aws-cli/issues" },
	{ "log-group", "~/.aws/credentials" },
	{ "log-group", "/aws/lambda/" },
	{ "resource-name", "\"FunctionName\": \"arn:aws:lambda:us-east-1:"
	    "123456789012:function:f\"" },
	{ "resource-name", "stack_name:  a pointer to string" },
	{ "resource-name", "keyname = key.name" },
	{ "resource-name", "\"RoleName\": null" },
	{ "resource-name", "class Bucket : UObject" },
	{ "resource-name", "--function-name $FN" },
	{ "resource-name", "table_name: DYNAMODB name ([xx=yy],table.dir)" },
	{ "resource-name", "||  StackStatus           |  CREATE_COMPLETE       ||" },
	{ "resource-name", "resource \"aws_dynamodb_table\" \"t\" {\n"
	    "  attribute {\n    name = \"pk\"\n  }\n}" },
	{ "resource-name", "[package]\nname = \"awsmask\"\nversion = \"0.1.0\"" },
	{ "resource-name", "locals {\n  name = \"prod\"\n}" },
	{ "resource-name", "resource \"aws_instance\" \"web\" {\n"
	    "  name = \"x\"\n}" },
	{ "resource-name", "  name = \"x\" # and no block at all" },
	{ "resource-name", "resource \"aws_iam_role\" \"r\" {\n"
	    "  x = 1 }\n  name = \"x\"" },
	/* AWS's own defaults and names, and other software's. */
	{ "resource-name", "{\"GroupName\": \"default\", \"GroupId\": "
	    "\"sg-0123456789abcdef0\"}" },
	{ "resource-name", "{\"clusterName\": \"default\"}" },
	{ "resource-name", "{\"WorkGroup\": \"primary\"}" },
	{ "resource-name", "{\"AliasName\": \"alias/aws/s3\"}" },
	{ "resource-name", "{\"ServiceName\": \"com.amazonaws.us-east-1.s3\", "
	    "\"VpcEndpointId\": \"vpce-0123456789abcdef0\"}" },
	{ "resource-name", "{\"eventSource\": \"ecs.amazonaws.com\", "
	    "\"serviceName\": \"ecs.amazonaws.com\"}" },
	{ "resource-name", "{\"serviceName\": \"checkout\", \"traceId\": "
	    "\"4bf92f3577b34da6\"}" },
	{ "resource-name", "{\"DomainName\": \"api.example.com\"}" },
	{ "resource-name", "{\"DomainName\": \"CORP\"}" },
	{ "resource-name", "docker compose --project-name shop up -d" },
	{ "resource-name", "JOB_NAME=deploy-frontend BUILD_NUMBER=42" },
	{ "resource-name", "ENVIRONMENT_NAME=production" },
	{ "resource-name", "DATABASE_NAME=appdb" },
	{ "resource-name", "semgrep --rule rules/x.yaml ." },
	{ "resource-name", "aws ssm describe-document --name AWS-RunShellScript" },
	{ "resource-name", "kubectl get pods --service web" },
	{ "resource-name", "redis-cli --cluster create 127.0.0.1:7000" },
	{ "resource-name", "{\"cluster\": \"prod\", \"namespace\": \"web\"}" },
	{ "resource-name", "{\"JobName\": \"20240115\", \"x\": \"glue\"}" },
	{ "resource-name", "{\"StackName\": \"2024-01-15\"}" },
	{ "resource-name", "role_name = get_role()" },
	{ "resource-name", "sso_role_name = ${ROLE}" },
	{ "resource-name", "role_session_name = get_name()\n" },
	{ "resource-name", "--filters Name=instance-state-name,Values=running" },
	{ "resource-name", "x_CloudTrail-Digest_ca-central-1_POrgTrail_"
	    "us-east-1_20200214T001007Z.json.gz" },
	{ "resource-name", "123456789012_CloudTrail_us-east-1_"
	    "20200214T0010Z_abc.json.gz" },
	{ "resource-name", "--filters Name=tag:Name,Values=Test*" },
	{ "resource-name", "--filters Name=tag:Name,Values=example" },
	{ "resource-name", "\"logGroupName\": \"20150531\"" },
	{ "resource-name", "\"TableName\": \"2024-06-01\"" },
	{ "resource-name", "[profile admin]\nsso_role_name = AdministratorAccess\n" },
	{ "elb-name-id", "https://example.com/app/prod-web-alb/50dc6c495c0c9188" },
	{ "elb-name-id", "app/assets/0123456789abcdef.js" },
	{ "elb-name-id", "app/prod-web-alb/50dc6c49" },
	{ "elb-name-id", "myapp/x/0123456789abcdef" },
	{ "eks-oidc-issuer", "https://oidc.eks.us-west-2.amazonaws.com/id/"
	    "exampled539d4633e53de1b71example" },
	{ "eks-oidc-issuer", "https://oidc.example.com/id/"
	    "EXAMPLED539D4633E53DE1B71EXAMPLE" },
	{ "eks-oidc-issuer", "xoidc.eks.us-west-2.amazonaws.com/id/"
	    "EXAMPLED539D4633E53DE1B71EXAMPLE" },
	{ "eks-oidc-issuer", "oidc.eks.us-west-2.amazonaws.com/id/ABCDEF" },
	{ "cognito-user-pool", "us-east-1_abc" },
	{ "cognito-user-pool", "us-east-1_aBcDeFgHiJ" },
	{ "cognito-user-pool", "xus-east-1_aBcDeFgHi" },
	{ "ec2-host-label", "ip-10-0-1-999" },
	{ "ec2-host-label", "ip-10-0-1" },
	{ "ec2-host-label", "zip-10-0-1-23" },
	{ "ec2-host-label", "ip-address" },

	ID_NEG("ec2-instance", "i-"),
	{ "ec2-instance", "i-frames, i-node, i-deadbeef" },
	ID_NEG("ebs-volume", "vol-"),
	{ "ebs-volume", "vol-up" },
	ID_NEG("ebs-snapshot", "snap-"),
	ID_NEG("ami", "ami-"),
	ID_NEG("security-group-rule", "sgr-"),
	{ "security-group-rule", "sgr-1a2b3c4d" },
	ID_NEG("security-group", "sg-"),
	{ "security-group", "sg-style" },
	ID_NEG("subnet", "subnet-"),
	{ "subnet", "the subnet" },
	ID_NEG("vpc-endpoint-service", "vpce-svc-"),
	ID_NEG("vpc-endpoint", "vpce-"),
	ID_NEG("vpc", "vpc-"),
	{ "vpc", "transit-gateway-vpc-attachment" },
	ID_NEG("eni-attachment", "eni-attach-"),
	ID_NEG("eni", "eni-"),
	ID_NEG("egress-only-igw", "eigw-"),
	ID_NEG("internet-gateway", "igw-"),
	ID_NEG("nat-gateway", "nat-"),
	ID_NEG("route-table-assoc", "rtbassoc-"),
	ID_NEG("route-table", "rtb-"),
	ID_NEG("network-acl-assoc", "aclassoc-"),
	ID_NEG("network-acl", "acl-"),
	ID_NEG("eip-allocation", "eipalloc-"),
	ID_NEG("eip-association", "eipassoc-"),
	ID_NEG("tgw-attachment", "tgw-attach-"),
	ID_NEG("tgw-route-table", "tgw-rtb-"),
	ID_NEG("transit-gateway", "tgw-"),
	ID_NEG("vpc-peering", "pcx-"),
	ID_NEG("launch-template", "lt-"),
	ID_NEG("dhcp-options", "dopt-"),
	ID_NEG("key-pair", "key-"),
	ID_NEG("prefix-list", "pl-"),
	ID_NEG("customer-gateway", "cgw-"),
	ID_NEG("vpn-gateway", "vgw-"),
	ID_NEG("vpn-connection", "vpn-"),
	ID_NEG("reservation", "r-"),
	ID_NEG("efs-mount-target", "fsmt-"),
	ID_NEG("efs-access-point", "fsap-"),
	ID_NEG("efs-filesystem", "fs-"),
	ID_NEG("client-vpn-endpoint", "cvpn-endpoint-"),
	ID_NEG("ipam-pool", "ipam-pool-"),
	ID_NEG("ipam", "ipam-"),
	ID_NEG("dedicated-host", "h-"),
	ID_NEG("flow-log", "fl-"),
	ID_NEG("capacity-reservation", "cr-"),
	ID_NEG("ssm-managed-instance", "mi-"),
	{ "fleet", "fleet-wide" },
	{ "fleet", "xfleet-0123456789abcdef0" },
	{ "fleet", "fleet-0123456789ABCDEF0" },
	{ "spot-request", "sir-abcdefgh" },
	{ "spot-request", "sir-08b9345" },
	{ "spot-request", "xsir-08b93456" },
	{ "spot-request", "sir-08b934567" },
	{ "spot-fleet-request", "sfr-1234" },
	{ "spot-fleet-request", "sfr-73FDD2CE-7F3C-6E6F-8A8A-0AE9F2C9D3D5" },
	{ "spot-fleet-request", "xsfr-73fdd2ce-7f3c-6e6f-8a8a-0ae9f2c9d3d5" },
	{ "emr-cluster", "j-ABCDEFGHIJKLM" },
	{ "emr-cluster", "j-2axxxxxxgaplf" },
	{ "emr-cluster", "xj-2AXXXXXXGAPLF" },
	{ "emr-cluster", "j-2AXX" },
	{ "directory-id", "d-abcdefabcd" },
	{ "directory-id", "d-12345" },
	{ "directory-id", "d-123456789012" },
	{ "directory-id", "ad-1234567890" },
	{ "org-unit", "ou-abcd-efghijkl" },
	{ "org-unit", "ou-1a2b" },
	{ "org-unit", "you-1a2b-cdef3456" },
	{ "organization", "o-ring" },
	{ "organization", "o-abcdefghij" },
	{ "organization", "o-12345" },
	{ "organization", "co-1234567890" },
	{ "rds-resource-id", "db-ABCDEF" },
	{ "rds-resource-id", "db-abcdefghijklmnopqrstuvwxy2" },
	{ "rds-resource-id", "mydb-ABCDEFGHIJKLMNOPQRSTUVWXY2" },
	{ "rds-cluster-resource-id", "cluster-ABC" },
	{ "rds-cluster-resource-id", "cluster-abcdefghijklmnopqrstuvwxy2" },
	{ "rds-cluster-resource-id", "mycluster-ABCDEFGHIJKLMNOPQRSTUVWXY2" },

	{ "ipv6", "::1" },
	{ "ipv6", "::" },
	{ "ipv6", "Foo::Bar" },
	{ "ipv6", "12:30:45" },
	{ "ipv6", "00:1a:2b:3c:4d:5e" },
	{ "ipv6", "ff02::1" },
	{ "ipv6", "a[1::2]" },
	{ "ipv6", "std::vector<int>" },
	{ "ipv6", "dead::beef" },
	{ "ipv4", "0.0.0.0/0" },
	{ "ipv4", "127.0.0.1" },
	{ "ipv4", "169.254.169.254" },
	{ "ipv4", "1.2.3.4" },
	{ "ipv4", "v1.2.3.4" },
	{ "ipv4", "version 10.2.0.1" },
	{ "ipv4", "255.255.255.0" },
	{ "ipv4", "1.2.3.4.5" },
	{ "ipv4", "section 4.20.7.1" },
	{ "ipv4", "224.0.0.1" },
	{ "ipv4", "256.1.1.1" },
	{ "ipv4", "(KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36" },
	{ "ipv4", "\"OPR/107.0.0.0\" Edg/122.0.12.3" },
	{ "ipv4", "Version/17.2.1.4 Firefox/123.0 ua=YaBrowser/124.0.0.0" },
	{ "ipv4", "v1\\.2\\.3\\.4 and 1\\.2\\.3\\.4 and 127\\.0\\.0\\.1" },
	{ "ipv4", "version 10\\.2\\.0\\.1, 255\\.255\\.255\\.0, 1\\.2\\.3\\.4\\.5" },
	{ "ipv4", "10\\.0.1\\.5 and 10\\\\.0\\\\.1\\\\.5" },
	{ "escaped-id", "word\\-12345678 foo\\-1234abcd plain\\-deadbeef" },
	{ "kind-keyed-id", "\"image\": \"nginx-1234\", instance: t2-micro1" },
	{ "kind-keyed-id", "instance: i-abc, vpc: vpc-default, volume: vol-12.txt" },
	{ "kind-keyed-id", "subnet: vpc-1a2b, myinstance: i-1a2b, instance: i-1a2b-x" },
	{ "escaped-id", "eni\\-deadbeef eni\\-1234567890 eni\\-1235B8CA" },
	{ "escaped-id", "x\\eni\\-1235b8ca123456789 xeni\\-1235b8ca" },
	{ "escaped-id", "eni\\-1235b8ca123456789abc eni\\-1235b8ca_x" },
	{ "ipv4-private", "54.23.1.9" },
	{ "ipv4-private", "172.32.0.1" },
	{ "ipv4-private", "127.0.0.1" },
	{ "ipv4-private", "version 10.2.0.1" },
	{ "token-literal", "EC2_01" },
	{ "token-literal", "HTTP_200" },
	{ "token-literal", "xEC2_001" },
	{ "token-literal", "EC2_001x" },
	/* Hyphenated forms that are part of a longer name */
	{ "token-literal", "web-ec2-001" },
	{ "token-literal", "ec2-001-backup" },
	{ "token-literal", "ec2-001.example.com" },
	{ "token-literal", "host.ec2-001" },
	{ "token-literal", "EC2-001.internal" },
	/* Not separators, not prefixes, not whole */
	{ "token-literal", "EC2\xe2\x80\x93" "001" },
	{ "token-literal", "EC2 001" },
	{ "token-literal", "EC2__001" },
	{ "token-literal", "EC2\\-001" },
	{ "token-literal", "EC2_**001**" },
	{ "token-literal", "http-200 err_404 ec2x-001" },
	{ "token-literal", "ec2_001_ _ec2_001 ec2-001a" },
	/* Issue #13: placeholders, AWS's own names, ordinary text. */
	{ "account-id", "order 123456789012_release shipped" },
	{ "account-key", "orderId: 123456789012" },
	{ "account-key", "recipientAccountName: 123456789012" },
	{ "account-key", "xAccountId: 12345678901" },
	{ "account-id", "<orderId>123456789012</orderId>" },
	{ "account-id", "--max-items 123456789012" },
	{ "arn", "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity" },
	{ "arn", "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0" },
	{ "arn", "arn:aws:sts::xxx:assumed-role/role_name/role_session_name" },
	{ "arn", "arn:aws:iam::account:user/user" },
	{ "resource-name", "--role-name example" },
	{ "resource-name", "\"PolicyName\": \"AdministratorAccess\"" },
	{ "resource-name", "\"PolicyName\": \"AmazonS3FullAccess\"" },
	{ "resource-name", "\"BucketName\": \"MY_BUCKET_NAME\"" },
	{ "resource-name", "<Name>foo</Name>" },
	{ "resource-name", "      INDEX_NAME:   products-v3" },
	{ "keyed-id", "\"RequestId\": \"req-12345\"" },
	{ "prose-name", "Copy the file called ``ebs.json`` first" },
	{ "prose-name", "the profile named `default`" },
	{ "prose-name", "the region in the profile named `integ`" },
	{ "prose-name", "users named \"example\" and a stream named ``20150601``" },
	{ "prose-name", "a log stream named ``12345678`` or ``2015``" },
	{ "prose-name", "a role named Test-Role without markup" },
	{ "route53-zone", "CanonicalHostedZoneId: Z35SXDOTRQ7X7K" },
	{ "kms-key-id", "<RequestId>1234abcd-12ab-34cd-56ef-1234567890ab</RequestId>" },
	{ "arn", "{arn-aws} alone, {arn-aws}iam" },
	{ "account-id", "eni-1235b8ca123456789 1234567890123 x" },
	{ "keyed-access-key", "\"accessKey\": \"12345678901234\"" },
	{ "keyed-access-key", "secretAccessKey: ABCDEFGHIJKLMNOPQRST" },
	{ "keyed-access-key", "\"accessKey\": \"short1\"" },
	{ "keyed-iam-id", "\"userId\": \"alice\"" },
	{ "keyed-iam-id", "\"userId\": \"U024BE7LH\"" },
	{ "keyed-iam-id", "unprincipalId: ABCDEFGHIJKLMNOP" },
	{ "ipv4", "Chrome/131.0.0.0 and section 4.20.7.1" },
	{ "keyed-id", "\"valid\": \"x-1234\", \"Id\": \"o-exampleorgid\"" },
	{ "keyed-id", "\"VpcId\": \"vpc-abcdefgh\"" },
	/* API Gateway's "id" only beside "createdDate" in its object. */
	{ "api-gateway-id", "[{\"createdDate\": 1, \"id\": \"abcdefghij\"}, "
	    "{\"id\": \"b1b2c3d4e5\"}, {\"createdDate\": 1}]" },
	{ "api-gateway-id", "{\"id\": \"c1b2c3d4e5\", \"name\": \"x\"}\n\n"
	    "{\"createdDate\": 1, \"id\": \"1234567890\", \"x\": \"a1b2c3d4e5f\"}" },
	{ "api-gateway-id", "{\"createdDate\": 1, \"id\": \"A1B2C3D4E5\", "
	    "\"Id\": \"a1b2c3d4e5\", \"id\": \"a1b2c3d4e\"}" },
	{ "rds-automated-snapshot", "words:rds:x-2024-01-15-10-30 xrds:db-2024-"
	    "01-15-10-30" },
	{ "rds-automated-snapshot", "rds:database-2024-01-15 rds:db-2024-01-"
	    "15-10-30x rds:db-2024-01-15-10-30-5" },
	{ "rds-automated-snapshot", "rds:RDS_001-2024-01-15-10-30 "
	    "rds:-2024-01-15-10-30 rds:db--2024-01-15-10-30" },
	{ "keyed-id-item", "\"RequestIds\": [\n  \"aaa111bbb222\",\n  "
	    "\"ccc333ddd444\"\n]\n\"Tags\": [\n  \"abc123def4\"\n]" },
	{ "keyed-id-item", "Other:\n  - abc123def45\n- notakey123\n* abc123def\n"
	    "DetectorIds:\n  x: 1\n  - abc123def45" },
	{ "keyed-id-item", "\"DetectorIds\": [\"abc123def45\"]\n"
	    "{\"DetectorId\": \"abc\",\n \"x\": \"abc123def45\"}" },
	/* Names: not under a "names" key away from SSM, nor a filter on
	 * another key, nor a singular key, nor an ID list's wider shape. */
	{ "keyed-id-item", "\"names\": [\n  \"alice-smith\",\n  \"bob\"\n]\n"
	    "names:\n  - alice-smith\n"
	    "{\"Key\": \"Env\", \"Values\": [\n  \"staging-blue\"\n]}\n"
	    "\"RoleName\": [\n  \"payroll-app\"\n]\n"
	    "\"SubnetIds\": [\n  \"/app/x.y\"\n]" },
	/* Digits are an ID only under a key named after a prefix. */
	{ "keyed-id", "\"OrderId\": \"12345678\", \"VpcId\": \"12345\", "
	    "\"SubnetId\": \"123456789012345678901\", <VpcId>3.14159</VpcId>" },
	{ "account-id", "\"order_ids\": [\"111122223333\"], \"count\": "
	    "\"111122223333\", \"owner\": \"1111222233334\"" },
	/* Transient IDs, bare "id", constants, references: no opaque ID. */
	{ "keyed-id", "\"RequestId\": \"7a62c49f-347e-4fc4-9331-6e8eEXAMPLE\"" },
	{ "keyed-id", "\"eventID\": \"3fcfb182-98f8-4744-bd45-10a395ab61cb\"" },
	{ "keyed-id", "{\"traceId\": \"5c34e93e4dea0086f9763ac0\", "
	    "\"spanId\": \"00f067aa0ba902b7\"}" },
	{ "keyed-id", "\"id\": \"to-assume-a-role-1480532402212\"" },
	{ "keyed-id", "\"AvailabilityZoneId\": \"use1-az2\", \"ZoneId\": "
	    "\"us-east-1a\", \"RegionId\": \"us-gov-west-1\"" },
	{ "keyed-id", "vpc_id = aws_vpc.main2.id\nsubnet_id = module.vpc1.x" },
	{ "keyed-id", "\"DefaultVersionId\": \"v1\", \"VersionId\": \"null\", "
	    "\"versionId\": \"version\", <VersionId>1</VersionId>" },
	{ "keyed-id", "commit_id: 3f786850e387550fdab836ed7e6dc881de23001b" },
	{ "keyed-id", "\"container_id\": \"8e1f0a2b3c4d\", \"user_id\": "
	    "\"u1234567\"" },
	{ "keyed-id", "\"LogicalResourceId\": \"MyEC2Instance1\"" },
	{ "keyed-id", "\"RequestIds\": [\"aaa111bbb222\", \"ccc333ddd444\"]" },
	{ "keyed-id", "{\"tool_use_id\": \"toolu_01A09q90qw90lq917835lq9\", "
	    "\"file_id\": \"file_011CNha8iCJcU1wXNR6q4V8w\"}" },
	{ "keyed-id", "\"SnapshotId\": \"2024-01-15T10-30\", \"BuildId\": "
	    "\"v1-2-30\"" },
	{ "keyed-id", "\"DbId\": \"default\", \"TaskId\": \"abc12\", "
	    "\"ExternalId\": \"example\"" },
	{ "keyed-id", "\"RoleId\": \"arn:aws:iam::123456789012:role/r1\"" },
	{ "vpc-endpoint-dns", "vpce-0f89a33420c1931d7 vpce-0f89a33420c1931d7-bluzidnv" },
	{ "vpc-endpoint-dns", "xvpce-0f89a33420c1931d7-bluzidnv.x" },
	{ "vpc-endpoint-dns", "vpce-0f89a33420c1931d7-short.x vpce-0f89a3-bluzidnv.x" },
	{ "ec2-instance", "i-abcdefghijklmnopq i-1234567890abcdefgh i-0123ABCDEFabcdef0" },
	{ "security-group", "sg-1percent sg-EXAMPLE sg-12EXAMPLE" },
	{ "key-pair", "key-abcdefghijklmnopq key-value1" },
	{ "aws-id", "\"name\": \"securityhub-lambda-inside-vpc-0e904a3b\"" },
	{ "resource-name", "--request-id req-12345" },
	{ "resource-name", "--role-names example user" },
	{ "name-tag", "{\"Key\": \"Env\", \"Value\": \"prod\"}" },
	{ "name-tag", "Tags:\n  - Key: Name\n    Value: !Sub ${AWS::StackName}-vpc\n" },
	{ "name-tag", "  - Key: Owner\n    Value: Alice Smith\n  - Key: Names\n" },
	{ "name-tag", "<item><key>Role</key><value>db</value></item>" },
	{ "name-tag", "{\"Name\": \"Key\", \"Value\": \"42\"}" },
	{ "aws-id", "re-deadbeef sg-style build-20240101 nginx-7c5ddbdf54-x2z4q" },
	{ "aws-id", "dist/assets/index-9f3c2a1b.css vendor-7c1e0d4f.js" },
	{ "aws-id", "a1b2c3d4-5678-90ab-cdef-1234567890ab commit 3f9c2a1b" },
	{ "s3-canonical-user", "containerd: id=3f9c2a1b7e6d5c4b3a29180716f5e4d3c2b1a0f9e8d7c6b5a4938271605f4e3d ns=moby" },
	{ "s3-path-url", "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"" },
	{ "s3-virtual-host", "\"Service\": \"logging.s3.amazonaws.com\"" },
	{ "s3-virtual-host", "\"Service\": \"storage-lens.s3.amazonaws.com\"" },
	{ "s3-virtual-host", "\"Service\": \"batchoperations.s3.amazonaws.com\"" },
	/* What the rules of issue #13, classes 2, 3, 5 and 7, must leave. */
	{ "account-id", "GET /api/v2/orders/100234567890/items HTTP/1.1" },
	{ "account-id", "order_ids:\n  - \"100234567890\"\n  - 100234567891\n" },
	{ "account-id", "{\"Order\": {\"Id\": \"100234567890\"}}" },
	{ "account-id", "<entry><key>Count</key><value>100234567890</value>" },
	{ "account-id", "Replace 123456789012 with your order number" },
	{ "account-id", "build/123456789012/x and v1/123456789012/y" },
	{ "account-id", "Request to 12345 and a request to 1234567890123" },
	{ "account-id", "user 123456789012, username: 123456789012, the_user: "
	    "123456789012, user: 1234567890123, user: x123456789012" },
	{ "organization", "an o-ring, o-rings and \"o-transparent\" o-abcdefghijk/x" },
	{ "organization", "\"name\": \"o-exampleorgid-x\"" },
	{ "organization", "foo-o-exampleorgid/r-abcd/" },
	{ "org-root", "r-abcd/x r-abcd/1234/ \"r-examplerootid\"" },
	{ "org-root", "for-r-abcd/123456789012/" },
	{ "org-root", "r-ab/123456789012/" },
	{ "dx-connection", "xdxcon-abcdefgh" },
	{ "dx-connection", "dxcon-abcdefghi" },
	{ "dx-connection", "dxcon-ABCDEFGH" },
	{ "dx-lag", "xdxlag-abcdefgh" },
	{ "dx-lag", "dxlag-abcdefghi" },
	{ "dx-lag", "dxlag-ABCDEFGH" },
	{ "dx-vif", "xdxvif-abcdefgh" },
	{ "dx-vif", "dxvif-abcdefghi" },
	{ "dx-vif", "dxvif-ABCDEFGH" },
	{ "keyed-iam-id", "\"userId\": \"1234567890\", \"principalId\": \"12345:x\"" },
	{ "keyed-id", "\"TraceId\": \"abc-deadbeefcafe\"" },
	{ "keyed-id", "\"RequestId\": \"req-12345678\"" },
	{ "keyed-id", "\"ServiceId\": \"my-service\"" },
	{ "keyed-id", "\"KmsKeyId\": \"alias/aws/ebs\"" },
	{ "keyed-id", "aws kms encrypt --key-id alias/aws/s3" },
	{ "keyed-id", "\"KmsKeyId\": \"alias/example\"" },
	{ "ipv4", "\"Membership\": \"10-10-10-10\"" },
	{ "ipv4", "\"versions\": [\"1.2.3.4\", \"2.0.1.0\"]" },
	{ "ipv4", "build 10-0-0-157 done, version 1.2.3.4/5" },
	{ "ipv4", "date: 12-31-23-59, \"Relationship\": \"1-2-3-4\"" },
	{ "beanstalk-host", "elasticbeanstalk.amazonaws.com" },
	{ "beanstalk-host", "elasticbeanstalk.us-east-1.amazonaws.com" },
	{ "beanstalk-host", "prod.elasticbeanstalk.example.com" },
	{ "awsapps-host", "awsapps.com" },
	{ "awsapps-host", "corp.awsapps.com.example.org" },
	{ "awsapps-host", "corp.awsapps.co" },
	{ "s3-access-log", "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e"
	    "7cd47ef2be is the sha256 of it" },
	{ "s3-access-log", "sha256:79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8"
	    "f8d5218e7cd47ef2be [06/Feb/2019:00:00:38 +0000]" },
	{ "s3-access-log", "[06/Feb/2019:00:00:38 +0000] GET 79a59df900b949e55d96"
	    "a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be x" },
	{ "session-token", "--web-identity-token short" },
	{ "kms-key-id", "the key ID is 1234abcd" },
	{ "route53-zone", "the hosted zone ZEBRAFISHES and hosted zones Z1234" },
	{ "cloudfront-distribution", "\"Id\": \"ENABLED\", \"Id\": \"EXAMPLEVALUE\"" },
	{ "cognito-user-pool", "us-east-1:not-a-uuid us-east-1:1234" },
};

/* With every default kind: the structured forms win over what they hold. */
static const struct example overlaps[] = {
	/* A flag that ends in -id: the naming row hands it to keyed-id. */
	{ NULL, "--version-id 3HL4kqtJlcpXroDTDmJrmSpXd3dIbrHY",
	    "--version-id RESOURCE_ID" },
	{ NULL, "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc12de34f567890",
	    "arn:aws:ec2:us-east-1:ACCOUNT:instance/EC2" },
	{ NULL, "10.0.0.0/16 and 2600:1f18:abcd::/56",
	    "PRIVATE_IP/16 and IPV6/56" },
	{ NULL, "eni-attach-0123456789abcdef0 eni-0123456789abcdef0", "ENI ENI" },
	{ NULL, "vpce-svc-0123456789abcdef0 vpce-0123456789abcdef0", "VPCE VPCE" },
	{ NULL, "tgw-attach-0123456789abcdef0 tgw-rtb-0123456789abcdef0 "
	    "tgw-0123456789abcdef0", "TGW TGW TGW" },
	{ NULL, "i-0123456789abcdef0.us-west-2.compute.internal",
	    "EC2.us-west-2.compute.internal" },
	{ NULL, "ip-10-0-1-23.ec2.internal (10.0.1.23)",
	    "EC2_HOST.ec2.internal (PRIVATE_IP)" },
	{ NULL, "https://sqs.us-east-1.amazonaws.com/123456789012/orders",
	    "https://sqs.us-east-1.amazonaws.com/ACCOUNT/SQS_QUEUE" },
	{ NULL, "\"KeyId\": \"arn:aws:kms:us-east-1:123456789012:key/"
	    "1234abcd-12ab-34cd-56ef-1234567890ab\"",
	    "\"KeyId\": \"arn:aws:kms:us-east-1:ACCOUNT:key/KMS_KEY\"" },
	{ NULL, "\"FunctionName\": \"arn:aws:lambda:us-east-1:123456789012:"
	    "function:f\"",
	    "\"FunctionName\": \"arn:aws:lambda:us-east-1:ACCOUNT:function:"
	    "LAMBDA\"" },
	{ NULL, "vpce-0123456789abcdef0-abcdefgh.s3.us-east-1.vpce.amazonaws.com",
	    "VPCE-VPCE.s3.us-east-1.vpce.amazonaws.com" },
	/* An ID key's value that another row knows by its shape is that
	 * row's. */
	{ NULL, "{\"GroupId\": \"AGPAABCDEFGHIJKLMNOP\", \"UserPoolId\": "
	    "\"eu-west-1_AbC123xYz\", \"NodeId\": \"ip-10-0-1-23\"}",
	    "{\"GroupId\": \"IAM_ID\", \"UserPoolId\": \"COGNITO_POOL\", "
	    "\"NodeId\": \"EC2_HOST\"}" },
	{ NULL, "\"OwnerId\": \"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8"
	    "f8d5218e7cd47ef2be\", \"PrivateIpId\": \"10.0.0.1\"",
	    "\"OwnerId\": \"S3_CANONICAL\", \"PrivateIpId\": \"PRIVATE_IP\"" },
	{ NULL, "\"KeyId\": \"arn:aws:kms:us-east-1:123456789012:key/k1\"",
	    "\"KeyId\": \"arn:aws:kms:us-east-1:ACCOUNT:key/KMS_KEY\"" },
	{ NULL, "\"callerId\": \"AROA7ZJZYVRE7C3DUXHH6:CognitoIdentityCredentials\"",
	    "\"callerId\": \"IAM_ID:CognitoIdentityCredentials\"" },
	{ NULL, "arn:aws:securityhub:us-west-1:123456789012:control/pci-dss/v/"
	    "3.2.1/PCI.Lambda.2",
	    "arn:aws:securityhub:us-west-1:ACCOUNT:control/pci-dss/v/3.2.1/"
	    "PCI.Lambda.2" },
	{ NULL, "fs-12345678.efs.us-east-1.amazonaws.com",
	    "EFS.efs.us-east-1.amazonaws.com" },
	{ NULL, "s3://my-bucket/logs/i-0123456789abcdef0.gz",
	    "s3://BUCKET/logs/EC2.gz" },
	{ NULL, "arn:aws:s3:::trail-bucket/AWSLogs/123456789012/CloudTrail/",
	    "arn:aws:s3:::BUCKET/AWSLogs/ACCOUNT/CloudTrail/" },
	{ NULL, "\"OwnerId\": \"123456789012\", \"GroupId\": \"sg-12345678\"",
	    "\"OwnerId\": \"ACCOUNT\", \"GroupId\": \"SG\"" },
	{ NULL, "[ec2-user@ip-172-31-5-10 ~]$ curl 169.254.169.254/latest/",
	    "[ec2-user@EC2_HOST ~]$ curl 169.254.169.254/latest/" },
	{ NULL, "AKIAIOSFODNN7EXAMPLE EC2_001 i-0123456789abcdef0",
	    "ACCESS_KEY LITERAL EC2" },
	{ NULL, "\"Principal\": {\"AWS\": [\n  \"arn:aws:iam::210987654321:root\",\n"
	    "  \"456789012345\"\n]}",
	    "\"Principal\": {\"AWS\": [\n  \"arn:aws:iam::ACCOUNT:root\",\n"
	    "  \"ACCOUNT\"\n]}" },
	{ NULL, "2 123456789012 eni-0a1b2c3d4e5f60789 10.0.1.23 54.23.1.9 443",
	    "2 ACCOUNT ENI PRIVATE_IP PUBLIC_IP 443" },
	{ NULL, "\"principalId\": \"AROAEXAMPLEID1234567:jane\", \"arn\": "
	    "\"arn:aws:sts::123456789012:assumed-role/Dev/jane\"",
	    "\"principalId\": \"IAM_ID:IAM_USER\", \"arn\": "
	    "\"arn:aws:sts::ACCOUNT:assumed-role/IAM_ROLE/IAM_USER\"" },
	{ NULL, "Safari/537.36 Chrome/122.0.0.0 from 203.0.113.9 (app/web/"
	    "50dc6c495c0c9188)",
	    "Safari/537.36 Chrome/122.0.0.0 from PUBLIC_IP (app/ELB/ELB)" },
	{ NULL, "https://4A5B6C7D8E9F0A1B2C3D4E5F6A7B8C9D.gr7.us-west-2.eks."
	    "amazonaws.com https://oidc.eks.us-west-2.amazonaws.com/id/"
	    "4A5B6C7D8E9F0A1B2C3D4E5F6A7B8C9D",
	    "https://EKS_CLUSTER.gr7.us-west-2.eks.amazonaws.com "
	    "https://oidc.eks.us-west-2.amazonaws.com/id/EKS_CLUSTER" },
	{ NULL, "\"logGroupName\": \"/aws/lambda/my-func\" /aws/lambda/my-func",
	    "\"logGroupName\": \"/aws/lambda/LOG_GROUP\" /aws/lambda/LOG_GROUP" },
	{ NULL, "AWSLogs/o-aa11bb22cc/234567890123/CloudTrail/x",
	    "AWSLogs/ORG/ACCOUNT/CloudTrail/x" },
};

/* --no-preserve-structure: the whole ARN, URL or host is one token. */
static const struct example wholes[] = {
	{ NULL, "arn:aws:iam::123456789012:role/MyRole", "IAM_ROLE" },
	{ NULL, "arn:aws:lambda:us-east-1:123456789012:function:f", "LAMBDA_ARN" },
	{ NULL, "arn:aws:cloudformation:us-east-1:123456789012:stack/s/"
	    "1c2fa620-982a-11e3-aff7-50e2416294e0", "STACK_ID" },
	{ NULL, "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
	    "SECRET_ARN" },
	{ NULL, "arn:aws-cn:states:cn-north-1:123456789012:stateMachine:M", "ARN" },
	{ NULL, "https://sqs.us-east-1.amazonaws.com/123456789012/orders",
	    "SQS_QUEUE" },
	{ NULL, "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1",
	    "ECR_URI:1" },
	{ NULL, "ip-10-0-1-23.ec2.internal", "EC2_HOST" },
	{ NULL, "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod",
	    "https://API_GW/prod" },
	{ NULL, "s3://my-bucket/logs/x.gz", "S3_URL/logs/x.gz" },
	{ NULL, "10.0.0.0/16 i-0123456789abcdef0", "PRIVATE_IP/16 EC2" },
};

/* With every default kind, none of this may match. */
static const char *const precision_corpus[] = {
	"2024-01-15T12:30:45.123Z INFO started in 12:30:45 (Jan 15 12:30:45)",
	"epoch 1705321845 ms 1705321845123 ns 1705321845123456789",
	"commit 3f786850e387550fdab836ed7e6dc881de23001b (3f78685)",
	"request 550e8400-e29b-41d4-a716-446655440000 in us-east-1",
	"event 6fa459ea-ee8a-3ca4-894e-db77e160355e (ETag 9b2cf535f27731c974343645a3985328)",
	"version 10.2.0.1, v1.2.3.4, 1.2.3.4, release 2.7.18.1, openssl-1.1.1.1",
	"section 4.20.7.1 of RFC, OID 2.5.4.10, SQLite 3.6.23.1, Z3 4.8.12.0",
	"call +1-555-123-4567 or (555) 123-4567 or 555.123.4567",
	"listening on port 8080, :443 and 0.0.0.0:22",
	"mac 00:1A:2B:3C:4D:5E 00-1a-2b-3c-4d-5e 001a.2b3c.4d5e",
	"i-frames, i-node, vol-up, sg-style, the subnet, a VPC, vpc-less",
	"transit-gateway-vpc-attachment and subnet-routing and ami-friendly",
	"order 123456789012 and invoice 987654321098 and 163456789012",
	"0.0.0.0/0 127.0.0.1 169.254.169.254 255.255.255.255 ::1 :: ::/0",
	"arn:aws:iam::aws:policy/ReadOnlyAccess",
	"std::vector<int> Foo::Bar a[1::2] dead::beef 12:30",
	"multicast 224.0.0.1 ff02::1 mask 255.255.255.0 /24",
	"~/.aws/credentials and https://github.com/aws/aws-cli/issues/1",
	"HTTP_200 ERR_404 EC2_01 xEC2_001 EC2_001x",
	"stack_name:  a pointer to string containing the name of the stack",
	"keyname = key.name; class Bucket : UObject {",
	"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"base64 Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2FsZG8= ok",
	"the account is fine; the session token expired; secret key rotated",
	"e-mail r-click d-pad o-ring j-pop h-index fl-oz cr-lf mi-go",
	"\"Mozilla/5.0 (X11) Chrome/122.0.0.0 Safari/537.36 Edg/122.0.0.0\"",
	"[package]\nname = \"awsmask\"\n  name = \"x\"\n\"Name\" = \"prod-web-01\"",
	"\"ids\": [\"123456789012\", \"210987654321\"], [id=2851119427]",
	"{\"serviceName\": \"checkout\", \"spanId\": \"00f067aa0ba902b7\"}",
	"JOB_NAME=deploy-frontend ENVIRONMENT_NAME=production",
	"docker compose --project-name shop up; semgrep --rule r.yaml",
	"{\"GroupName\": \"default\", \"DomainName\": \"www.example.org\"}",
};

static struct am_map *prefix_set;

static int
kind_index(const char *name)
{
	size_t i;

	for (i = 0; i < am_nkinds; i++)
		if (!strcmp(am_kinds[i].name, name))
			return (int)i;
	return -1;
}

static void
check_prefix_known(const char *prefix)
{
	char tok[96];

	assert_non_null(prefix);
	snprintf(tok, sizeof(tok), "%s_001", prefix);
	if (!am_token_valid(prefix_set, tok, strlen(tok)))
		fail_msg("prefix %s is not a known token prefix", prefix);
}

/*
 * Scan `in` with the kinds in `types` (NULL: the defaults) and write it
 * to out with every part replaced by its prefix.  Checks every match's
 * shape on the way.  Returns the number of matches.
 */
static int
render(const char *types, int preserve, const char *in, char *out,
    size_t outsz)
{
	struct am_scanner_opts o;
	struct am_scanner *s;
	struct am_error err;
	struct am_match m;
	size_t len = strlen(in), from = 0, done = 0, n = 0;
	int count = 0, rc, i;

	memset(&o, 0, sizeof(o));
	memset(&err, 0, sizeof(err));
	o.types = types;
	o.preserve_structure = preserve;
	if (am_scanner_new(&s, &o, &err))
		fail_msg("scanner for %s: %s", types ? types : "(all)", err.msg);
	while ((rc = am_scanner_next(s, in, len, from, len, &m, &err)) == 1) {
		size_t prev = m.start;

		count++;
		assert_true(m.end > m.start && m.end <= len);
		assert_true(m.end - m.start <= AM_MAX_MATCH);
		assert_true(m.nparts >= 1 && m.nparts <= AM_MAX_PARTS);
		if (memchr(in + m.start, '\n', m.end - m.start))
			fail_msg("match over a newline");
		if (m.whole_prefix)
			check_prefix_known(m.whole_prefix);
		for (i = 0; i < m.nparts; i++) {
			const struct am_part *p = &m.parts[i];
			size_t pl = strlen(p->prefix);

			assert_true(p->start >= prev && p->end > p->start);
			assert_true(p->end <= m.end);
			check_prefix_known(p->prefix);
			assert_non_null(p->kind);
			assert_true(n + (p->start - done) + pl < outsz);
			memcpy(out + n, in + done, p->start - done);
			n += p->start - done;
			memcpy(out + n, p->prefix, pl);
			n += pl;
			done = prev = p->end;
		}
		from = m.end;
	}
	assert_int_equal(rc, 0);
	assert_true(n + (len - done) < outsz);
	memcpy(out + n, in + done, len - done);
	out[n + len - done] = '\0';
	am_scanner_free(s);
	return count;
}

static void
test_table_shape(void **state)
{
	size_t i, j;

	(void)state;
	assert_true(am_nkinds >= 60);
	for (i = 0; i < am_nkinds; i++) {
		const struct am_kind *k = &am_kinds[i];
		const char *p;
		size_t l;

		assert_non_null(k->name);
		assert_non_null(k->prefix);
		assert_non_null(k->description);
		for (p = k->name; *p; p++)
			assert_true(islower((unsigned char)*p) ||
			    isdigit((unsigned char)*p) || *p == '-');
		assert_true(isupper((unsigned char)k->prefix[0]));
		for (p = k->prefix; *p; p++)
			assert_true(isupper((unsigned char)*p) ||
			    isdigit((unsigned char)*p) || *p == '_');
		/* Never PREFIX_<digits>: that would read as a token. */
		l = strlen(k->prefix);
		for (j = l; j > 0 && isdigit((unsigned char)k->prefix[j - 1]);
		    j--)
			;
		assert_false(j < l && j > 0 && k->prefix[j - 1] == '_');
		for (j = i + 1; j < am_nkinds; j++)
			if (!strcmp(k->name, am_kinds[j].name))
				fail_msg("kind %s twice", k->name);
	}
	/* The last row is the token literal, built by the scanner. */
	assert_string_equal(am_kinds[am_nkinds - 1].name, "token-literal");
	assert_null(am_kinds[am_nkinds - 1].pattern);
	for (i = 0; i + 1 < am_nkinds; i++)
		assert_non_null(am_kinds[i].pattern);
	for (i = 0; am_extra_prefixes[i]; i++)
		check_prefix_known(am_extra_prefixes[i]);
}

static void
test_patterns_compile(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < am_nkinds; i++) {
		pcre2_code *re;
		PCRE2_SIZE off;
		uint32_t caps;
		int ec;

		if (!am_kinds[i].pattern)
			continue;
		re = pcre2_compile((PCRE2_SPTR)am_kinds[i].pattern,
		    PCRE2_ZERO_TERMINATED, 0, &ec, &off, NULL);
		if (!re) {
			PCRE2_UCHAR msg[256];

			pcre2_get_error_message(ec, msg, sizeof(msg));
			fail_msg("%s: %s at %zu", am_kinds[i].name, msg,
			    (size_t)off);
		}
		/* Non-capturing groups only. */
		assert_int_equal(pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT,
		    &caps), 0);
		if (caps)
			fail_msg("%s has %u capturing groups", am_kinds[i].name,
			    caps);
		pcre2_code_free(re);
	}
}

/* Every kind has its three examples each way. */
static void
test_coverage(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < am_nkinds; i++) {
		int pos = 0, neg = 0;

		for (j = 0; j < AM_ARRAY_SIZE(positives); j++)
			pos += !strcmp(positives[j].kind, am_kinds[i].name);
		for (j = 0; j < AM_ARRAY_SIZE(negatives); j++)
			neg += !strcmp(negatives[j].kind, am_kinds[i].name);
		if (pos < 3 || neg < 3)
			fail_msg("%s: %d positive, %d negative examples",
			    am_kinds[i].name, pos, neg);
	}
	for (j = 0; j < AM_ARRAY_SIZE(positives); j++)
		if (kind_index(positives[j].kind) < 0)
			fail_msg("no kind %s", positives[j].kind);
	for (j = 0; j < AM_ARRAY_SIZE(negatives); j++)
		if (kind_index(negatives[j].kind) < 0)
			fail_msg("no kind %s", negatives[j].kind);
}

static void
run_examples(const struct example *ex, size_t n, int preserve)
{
	char out[8192];
	size_t i;
	int bad = 0;

	for (i = 0; i < n; i++) {
		int c = render(ex[i].kind, preserve, ex[i].in, out, sizeof(out));

		if (c == 0 || strcmp(out, ex[i].out)) {
			print_error("%s: %s\n  want: %s\n  got:  %s (%d matches)\n",
			    ex[i].kind ? ex[i].kind : "(all)", ex[i].in,
			    ex[i].out, out, c);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void
test_positives(void **state)
{
	(void)state;
	run_examples(positives, AM_ARRAY_SIZE(positives), 1);
}

static void
test_negatives(void **state)
{
	char out[8192];
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < AM_ARRAY_SIZE(negatives); i++) {
		if (render(negatives[i].kind, 1, negatives[i].in, out,
		    sizeof(out))) {
			print_error("%s matched: %s -> %s\n", negatives[i].kind,
			    negatives[i].in, out);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void
test_overlaps(void **state)
{
	char out[8192];

	(void)state;
	run_examples(overlaps, AM_ARRAY_SIZE(overlaps), 1);
	/* One ARN match, not an ARN and an instance. */
	assert_int_equal(render(NULL, 1, overlaps[0].in, out, sizeof(out)), 1);
}

static void
test_whole(void **state)
{
	(void)state;
	run_examples(wholes, AM_ARRAY_SIZE(wholes), 0);
}

static void
test_precision_corpus(void **state)
{
	char out[8192];
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < AM_ARRAY_SIZE(precision_corpus); i++) {
		if (render(NULL, 1, precision_corpus[i], out, sizeof(out))) {
			print_error("matched: %s\n  -> %s\n", precision_corpus[i],
			    out);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/*
 * Every naming key the resource-name row knows, in every spelling: the
 * CLI's JSON (RoleName), CloudTrail's (roleName), env files (ROLE_NAME=),
 * YAML (role_name:), quoted assignments, and the CLI flag (--role-name).
 * ctx is the evidence a key needs, where it needs some.
 */
struct name_case {
	const char *key;	/* PascalCase, as in the API models */
	const char *flag;	/* NULL: no flag */
	const char *ctx;	/* NULL: none needed */
	const char *prefix;
};

static const struct name_case name_cases[] = {
	{ "Bucket", "bucket", NULL, "BUCKET" },
	{ "BucketName", NULL, NULL, "BUCKET" },
	{ "FunctionName", "function-name", NULL, "LAMBDA" },
	{ "RoleName", "role-name", NULL, "IAM_ROLE" },
	{ "RoleSessionName", "role-session-name", NULL, "IAM_USER" },
	{ "UserName", "user-name", NULL, "IAM_USER" },
	{ "GroupName", "group-name", NULL, "GROUP_NAME" },
	{ "GroupName", "group-name", "sg-0123456789abcdef0", "SG_NAME" },
	{ "GroupName", "group-name", "iam.amazonaws.com", "IAM_GROUP" },
	{ "PolicyName", "policy-name", NULL, "IAM_POLICY" },
	{ "InstanceProfileName", "instance-profile-name", NULL,
	    "IAM_PROFILE" },
	{ "TableName", "table-name", NULL, "DYNAMODB_TABLE" },
	{ "IndexName", "index-name", "dynamodb", "DYNAMODB_TABLE" },
	{ "QueueName", "queue-name", NULL, "SQS_QUEUE" },
	{ "TopicName", NULL, NULL, "SNS_TOPIC" },
	{ "StackName", "stack-name", NULL, "STACK" },
	{ "StackSetName", "stack-set-name", NULL, "STACK" },
	{ "DBInstanceIdentifier", "db-instance-identifier", NULL, "RDS" },
	{ "DBClusterIdentifier", "db-cluster-identifier", NULL, "RDS" },
	{ "DBSubnetGroupName", "db-subnet-group-name", NULL, "SUBNET_GROUP" },
	{ "CacheClusterId", "cache-cluster-id", NULL, "ELASTICACHE" },
	{ "ReplicationGroupId", "replication-group-id", NULL, "ELASTICACHE" },
	{ "CacheSubnetGroupName", "cache-subnet-group-name", NULL,
	    "SUBNET_GROUP" },
	{ "ClusterIdentifier", "cluster-identifier", NULL, "REDSHIFT" },
	{ "LoadBalancerName", "load-balancer-name", NULL, "ELB" },
	{ "TargetGroupName", NULL, NULL, "TARGET_GROUP" },
	{ "AutoScalingGroupName", "auto-scaling-group-name", NULL, "ASG" },
	{ "LaunchTemplateName", "launch-template-name", NULL,
	    "LAUNCH_TEMPLATE" },
	{ "RepositoryName", "repository-name", NULL, "ECR_REPO" },
	{ "LogGroupName", "log-group-name", NULL, "LOG_GROUP" },
	{ "ClusterName", "cluster-name", NULL, "ECS_CLUSTER" },
	{ "ClusterName", "cluster-name", "arn:aws:eks:", "EKS_CLUSTER" },
	{ "NodegroupName", "nodegroup-name", NULL, "EKS_NODEGROUP" },
	{ "ServiceName", "service-name", "ecs.amazonaws.com", "ECS_SERVICE" },
	{ "KeyName", "key-name", NULL, "KEY_PAIR" },
	{ "AliasName", "alias-name", NULL, "KMS_ALIAS" },
	{ "SecretId", "secret-id", NULL, "SECRET" },
	{ "SecretName", NULL, NULL, "SECRET" },
	{ "StateMachineName", NULL, NULL, "STATE_MACHINE" },
	{ "StreamName", "stream-name", NULL, "KINESIS_STREAM" },
	{ "DeliveryStreamName", "delivery-stream-name", NULL, "FIREHOSE" },
	{ "RuleName", "rule-name", NULL, "RULE_NAME" },
	{ "AlarmName", "alarm-name", NULL, "CW_ALARM" },
	{ "DomainName", "domain-name", NULL, "OPENSEARCH" },
	{ "ProjectName", "project-name", "codebuild", "CODEBUILD" },
	{ "PipelineName", "pipeline-name", NULL, "CODEPIPELINE" },
	{ "ApplicationName", "application-name", "codedeploy", "APP_NAME" },
	{ "EnvironmentName", "environment-name", "elasticbeanstalk",
	    "EB_ENV" },
	{ "WorkGroup", "work-group", NULL, "ATHENA_WORKGROUP" },
	{ "WorkgroupName", "workgroup-name", NULL, "REDSHIFT" },
	{ "DatabaseName", "database-name", "athena", "DB_NAME" },
	{ "DBName", "db-name", "rds.amazonaws.com", "DB_NAME" },
	{ "CrawlerName", NULL, NULL, "GLUE_CRAWLER" },
	{ "JobName", "job-name", "glue", "JOB_NAME" },
	/* ECS's own keys: cluster and service (CloudTrail, --cluster). */
	{ "Cluster", "cluster", "ecs.amazonaws.com", "ECS_CLUSTER" },
	{ "Cluster", "cluster", "eksctl", "EKS_CLUSTER" },
	{ "Service", "service", "aws ecs ", "ECS_SERVICE" },
	/* Flags only. */
	{ NULL, "rule", "aws events ", "RULE_NAME" },
	{ NULL, "name", "ssm get-parameter", "PARAM" },
};

/* PascalCase to snake_case, upper or lower: DBInstanceIdentifier ->
 * db_instance_identifier. */
static void
snake(const char *k, int upper, char *out, size_t outsz)
{
	size_t n = 0, i;

	for (i = 0; k[i] && n + 3 < outsz; i++) {
		if (i && isupper((unsigned char)k[i]) &&
		    (islower((unsigned char)k[i - 1]) ||
		    (k[i + 1] && islower((unsigned char)k[i + 1]))))
			out[n++] = '_';
		out[n++] = (char)(upper ? toupper((unsigned char)k[i]) :
		    tolower((unsigned char)k[i]));
	}
	out[n] = '\0';
}

/* One line must give one match: the value replaced by prefix. */
static int
name_case_ok(const char *in, const char *prefix)
{
	char out[512], want[512];
	const char *v = strstr(in, "my-name-1");
	int c = render("resource-name", 1, in, out, sizeof(out));

	assert_non_null(v);
	snprintf(want, sizeof(want), "%.*s%s%s", (int)(v - in), in, prefix,
	    v + 9);
	if (c == 1 && !strcmp(out, want))
		return 1;
	print_error("%s\n  want %s, got: %s (%d matches)\n", in, prefix, out,
	    c);
	return 0;
}

static void
test_name_keys(void **state)
{
	char in[512], key[64];
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < AM_ARRAY_SIZE(name_cases); i++) {
		const struct name_case *c = &name_cases[i];
		const char *ctx = c->ctx ? c->ctx : "";

		if (c->key) {
			/* The CLI's JSON, and --output table. */
			snprintf(in, sizeof(in), "{\"%s\": \"my-name-1\", "
			    "\"x\": \"%s\"}", c->key, ctx);
			bad += !name_case_ok(in, c->prefix);
			snprintf(in, sizeof(in), "|  %s  |  my-name-1  | %s",
			    c->key, ctx);
			bad += !name_case_ok(in, c->prefix);
			/* CloudTrail's requestParameters, JSON in JSON. */
			snprintf(key, sizeof(key), "%s", c->key);
			key[0] = (char)tolower((unsigned char)key[0]);
			snprintf(in, sizeof(in), "{\"eventSource\": \"%s\", "
			    "\"requestParameters\": {\"%s\": \"my-name-1\"}}",
			    ctx, key);
			bad += !name_case_ok(in, c->prefix);
			snprintf(in, sizeof(in), "\"{\\\"%s\\\":\\\"my-name-1\\\""
			    ",\\\"x\\\":\\\"%s\\\"}\"", key, ctx);
			bad += !name_case_ok(in, c->prefix);
			/* Env files, YAML, Python and shell. */
			snake(c->key, 1, key, sizeof(key));
			snprintf(in, sizeof(in), "%s=my-name-1 # %s", key, ctx);
			bad += !name_case_ok(in, c->prefix);
			snake(c->key, 0, key, sizeof(key));
			snprintf(in, sizeof(in), "%s: my-name-1 # %s", key, ctx);
			bad += !name_case_ok(in, c->prefix);
			snprintf(in, sizeof(in), "f(%s='my-name-1') # %s", key,
			    ctx);
			bad += !name_case_ok(in, c->prefix);
		}
		if (c->flag) {
			snprintf(in, sizeof(in), "aws x %s --%s my-name-1 --z",
			    ctx, c->flag);
			bad += !name_case_ok(in, c->prefix);
			snprintf(in, sizeof(in), "aws x %s \\\n  --%s=my-name-1",
			    ctx, c->flag);
			bad += !name_case_ok(in, c->prefix);
		}
	}
	assert_int_equal(bad, 0);
}

/*
 * The keys that need evidence, without it: other software's service,
 * job, project, application, environment and database names.
 */
static void
test_name_keys_need_evidence(void **state)
{
	char in[512], out[512];
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < AM_ARRAY_SIZE(name_cases); i++) {
		const struct name_case *c = &name_cases[i];

		if (!c->ctx || !strcmp(c->prefix, "SG_NAME") ||
		    !strcmp(c->prefix, "IAM_GROUP") ||
		    !strcmp(c->prefix, "EKS_CLUSTER"))
			continue;
		if (c->key)
			snprintf(in, sizeof(in), "{\"%s\": \"my-name-1\"}",
			    c->key);
		else
			snprintf(in, sizeof(in), "tool --%s my-name-1", c->flag);
		if (render("resource-name", 1, in, out, sizeof(out))) {
			print_error("matched without evidence: %s -> %s\n", in,
			    out);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* The same text gets the same kind inside and outside structure. */
static void
test_consistency(void **state)
{
	static const char *const lines[] = {
		"arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0",
		"i-0123456789abcdef0.us-west-2.compute.internal",
		"id i-0123456789abcdef0",
	};
	char out[512];
	size_t i;

	(void)state;
	for (i = 0; i < AM_ARRAY_SIZE(lines); i++) {
		render(NULL, 1, lines[i], out, sizeof(out));
		assert_null(strstr(out, "i-0123456789abcdef0"));
		assert_non_null(strstr(out, "EC2"));
		assert_null(strstr(out, "EC2_HOST"));
	}
}

/* A line far longer than any match, full of near misses, stays whole. */
static void
test_long_line(void **state)
{
	static char in[200000];
	char *out;
	size_t i;

	(void)state;
	for (i = 0; i + 1 < sizeof(in); i++)
		in[i] = "i-0123456789abcdef arn:aws:s3::: 10.0.0 ::: sg-"[i % 46];
	in[sizeof(in) - 1] = '\0';
	out = test_malloc(sizeof(in) * 2);
	render(NULL, 1, in, out, sizeof(in) * 2);
	test_free(out);
}

static int
setup(void **state)
{
	(void)state;
	prefix_set = am_prefix_set_new(NULL, 0);
	return prefix_set ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	am_map_free(prefix_set);
	return 0;
}

/* am_find_any(): the first byte of a set, or the NUL strchr() finds. */
static void
test_find_any(void **state)
{
	static const char s[] = "10.0.0.0/16-x\0/y";

	(void)state;
	assert_int_equal(am_find_any(s, 0, 16, "/"), 8);
	assert_int_equal(am_find_any(s, 0, 16, "-"), 11);
	assert_int_equal(am_find_any(s, 0, 7, "/"), 7);
	assert_int_equal(am_find_any(s, 9, 16, "/"), 13);
	assert_int_equal(am_find_any(s, 9, 16, "/-"), 11);
	assert_int_equal(am_find_any(s, 12, 16, "/-"), 13);
	assert_int_equal(am_find_any(s, 5, 5, "/"), 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_shape),
		cmocka_unit_test(test_patterns_compile),
		cmocka_unit_test(test_coverage),
		cmocka_unit_test(test_positives),
		cmocka_unit_test(test_negatives),
		cmocka_unit_test(test_overlaps),
		cmocka_unit_test(test_whole),
		cmocka_unit_test(test_precision_corpus),
		cmocka_unit_test(test_name_keys),
		cmocka_unit_test(test_name_keys_need_evidence),
		cmocka_unit_test(test_consistency),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_find_any),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
