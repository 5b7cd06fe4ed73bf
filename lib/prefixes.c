/*
 * prefixes.c - token prefixes that are not a catalogue row's own: those
 * the splitters give to parts of structured matches, and those
 * --no-preserve-structure gives to whole ARNs, URLs and hostnames.  The
 * token grammar (token.c) is built from the rows and this list, so a
 * prefix missing here is a token awsunmask cannot find: the catalogue
 * tests check that every prefix a splitter emits is known.
 */
#include "internal.h"

const char *const am_extra_prefixes[] = {
	"ACCOUNT", "API_GW", "APP_NAME", "ARN", "ASG", "ATHENA_WORKGROUP",
	"BUCKET", "CERT", "CERT_ARN", "CLOUDFRONT", "CODEBUILD",
	"CODEPIPELINE", "CW_ALARM", "DB_NAME", "EB_ENV", "EC2_HOST",
	"ECR_REPO", "ECR_URI", "ECS_CLUSTER", "ECS_SERVICE", "ECS_TASK",
	"ECS_TASKDEF", "EKS_CLUSTER", "EKS_NODEGROUP", "ELASTICACHE", "ELB",
	"ELB_ARN", "DYNAMODB_TABLE", "FIREHOSE", "GLUE_CRAWLER", "GROUP_NAME",
	"IAM_GROUP", "IAM_PATH", "IAM_POLICY", "IAM_PROFILE", "IAM_ROLE", "IAM_USER",
	"JOB_NAME", "KINESIS_STREAM", "KMS_ALIAS", "KMS_KEY", "LAMBDA",
	"LAMBDA_ARN", "LAUNCH_TEMPLATE", "LOG_GROUP", "PARAM", "PARAM_ARN",
	"RDS", "RESOURCE_ID", "ROUTE53_ZONE", "RULE_NAME", "S3_URL", "SECRET", "SECRET_ARN",
	"SG_NAME", "SNS_TOPIC", "SQS_QUEUE", "SQS_URL", "STACK", "STACK_ID",
	"STATE_MACHINE", "SUBNET_GROUP", "TARGET_GROUP",
	NULL
};
