#!/bin/sh
# Markdown-escaped identifiers: Markdown converted from other formats
# escapes the dots of an address (10\.0\.1\.5) and the hyphens of a
# resource ID (eni\-1235b8ca123456789).  They are masked whole, the
# backslashes with them, under their own kind's prefix; awsunmask gives
# the escaped bytes back, and masking the output again changes nothing.
# Escaped words, version numbers and unknown prefixes stay.  Also the
# short example IDs that records give under a key naming their kind
# (instance: "i-0abc234"), in JSON, YAML and key=value, and the names
# of secrets a service manages (secret:rds!cluster-...) in ARNs.

. "$(dirname "$0")/lib.sh"

test_expect_success 'escaped addresses and CIDRs in Markdown prose' '
	cat >in <<-\EOT &&
	from your home computer \(IP address is 203\.0\.113\.12\) to your
	instance \(private IP address is 172\.31\.16\.139\)\. The range
	54\.240\.143\.0/24 and 10\.0\.1\.5 and again 10\.0\.1\.5\.
	EOT
	cat >expect <<-\EOT &&
	from your home computer \(IP address is PUBLIC_IP_001\) to your
	instance \(private IP address is PRIVATE_IP_001\)\. The range
	PUBLIC_IP_002/24 and PRIVATE_IP_002 and again PRIVATE_IP_002\.
	EOT
	mask_check
'

test_expect_success 'escaped resource IDs in prose, emphasis, tables; a fixed point' '
	cat >in <<-\EOT &&
	to network interface eni\-1235b8ca123456789 in account
	the transit gateway in subnet subnet\-11111111aaaaaaaaa\. The flow
	| *vpc\-1a2b3c4d* | eni\-attach\-0a1b2c3d | i\-0123456789abcdef0 |
	EOT
	cat >expect <<-\EOT &&
	to network interface ENI_001 in account
	the transit gateway in subnet SUBNET_001\. The flow
	| *VPC_001* | ENI_002 | EC2_001 |
	EOT
	mask_check &&
	test_must_exit 0 awsmask -s sqlite:store.db out >again 2>err &&
	test_cmp out again
'


test_expect_success 'escaped words, versions and unknown prefixes stay' '
	cat >in <<-\EOT &&
	use v1\.2\.3\.4 or section 1\.2\.3\.4, not 127\.0\.0\.1 or 255\.255\.255\.0
	a word\-12345678, plain\-deadbeef, eni\-deadbeef, eni\-1234567890
	a regex 10\\.0\\.1\\.5 and a path x\eni\-1235b8ca123456789
	EOT
	cp in expect &&
	mask_check
'

test_expect_success 'short IDs under a key naming their kind' '
	cat >in <<-\EOT &&
	"srcids": { instance: "i-0abc234" },
	{"instance": "i-0abc234", "vpc": "vpc-abc123", "SecurityGroup": "sg-12ab"}
	volume: vol-1a2b
	  network_interface: eni-12ab
	aws_subnet=subnet-9z8y7x volume=vol-1a2b
	EOT
	cat >expect <<-\EOT &&
	"srcids": { instance: "EC2_001" },
	{"instance": "EC2_001", "vpc": "VPC_001", "SecurityGroup": "SG_001"}
	volume: EBS_VOL_001
	  network_interface: ENI_001
	aws_subnet=subnet-9z8y7x volume=EBS_VOL_001
	EOT
	mask_check
'

test_expect_success 'other values and prefixes of another kind stay' '
	cat >in <<-\EOT &&
	{"image": "nginx-1234", "instance": "t2-micro1", "vpc": "vpc-default"}
	subnet: vpc-1a2b
	instance: i-abc
	EOT
	cp in expect &&
	mask_check
'

test_expect_success 'a service-managed secret in an ARN, JSON and prose' '
	cat >in <<-\EOT &&
	"ARN": "arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!cluster-a1b2c3d4-5678-90ab-cdef-EXAMPLE11111-a1b2c3",
	see arn:aws:secretsmanager:us-west-2:123456789012:secret:events!connection/c1-AbCdEf!
	EOT
	cat >expect <<-\EOT &&
	"ARN": "arn:aws:secretsmanager:us-west-2:ACCOUNT_001:secret:SECRET_001",
	see arn:aws:secretsmanager:us-west-2:ACCOUNT_001:secret:SECRET_002!
	EOT
	mask_check
'

test_done
