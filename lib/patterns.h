/*
 * patterns.h - the PCRE2 patterns of the catalogue's rows (kinds.c),
 * and the pieces they are built from.  Included by kinds.c alone: the
 * rules every pattern keeps are at the top of kinds.c, and each
 * splitter is in the file named after what it decides.
 */
#ifndef AM_PATTERNS_H
#define AM_PATTERNS_H

/* Boundaries.  An ID may not be glued to a word on its left (not even by
 * '-': the vpc-a in transit-gateway-vpc-attachment), nor continue as a
 * word on its right; a trailing '-' or '.' is fine (vpce DNS names,
 * hostnames). */
#define BL	"(?<![A-Za-z0-9_-])"
#define BR	"(?![A-Za-z0-9_])"
/* Hostnames: no label glued on the left, none continuing on the right. */
#define HL	"(?<![A-Za-z0-9_.-])"
#define HR	"(?![A-Za-z0-9_-]|\\.[A-Za-z0-9])"
/* Eight hex digits, at least one of them a digit so that no English word
 * qualifies (i-deadbeef), or seventeen.  Documents write IDs of a known
 * prefix in two more shapes, taken too: 17 letters or digits with a
 * digit among them (i-1234567890abcdefg, i-abcdefg1234567890), and hex
 * digits ending in EXAMPLE to the length of an ID (ami-1234567890EXAMPLE,
 * sg-05cd7b25d6example, igw-fEXAMPLE).  Neither is a word: the first has
 * a digit and exactly 17 characters, the second ends in EXAMPLE. */
/* A resource ID may touch an '_' (backup_i-0abc..._2026.tar): snake_case
 * around an ID does not make it less of one. */
#define IDR	"(?![A-Za-z0-9])"
#define EXAMPLE	"(?:EXAMPLE|example)"
#define DOC17	"[0-9a-f]{17}|(?=[a-z]{0,16}[0-9])[0-9a-z]{17}|[0-9a-f]{10}" \
	EXAMPLE
#define HEX	"(?:" DOC17 "|(?=[a-f]{0,7}[0-9])[0-9a-f]{8}|[0-9a-f]" EXAMPLE ")" \
	IDR
#define HEX17	"(?:" DOC17 ")" IDR
#define UUID	"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
#define REGION	"[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]{2,12}-[0-9]{1,2}"
#define AWSCOM	"\\.amazonaws\\.com(?:\\.cn)?"
/* What joins a key and its value: JSON's and YAML's ':', '=', an XML
 * element's '>', and the quotes around either. */
#define KEY_SEP "\\\\?[\"']?(?:>|[ \\t]*[:=][ \\t]*\\\\?[\"']?)"
/* JSON quote, also when the JSON sits escaped inside a JSON string. */
#define Q	"\\\\?\""
/* An S3 bucket (legacy names allowed upper case and '_').  URLs stop at
 * the bucket: the object key is kept, and scanned like any text. */
#define BUCKET	"[A-Za-z0-9][A-Za-z0-9._-]{1,61}[A-Za-z0-9](?![A-Za-z0-9_-])"

/*
 * Account IDs.  The pattern finds twelve digits after an AWS context: a
 * JSON key, an XML element (<ownerId>), a key=value or YAML key, also
 * with a camel-case prefix (recipientAccountId:, eC2SecurityGroupOwnerId),
 * a CLI flag (--account-id, --peer-owner-id, --accounts, --principal),
 * prose ("account 123456789012", "AWS account ID: ..."), an AWSLogs/
 * path or Terraform's "[id=123456789012]" (aws_caller_identity); as
 * the first field of a CloudTrail, VPC flow log or ELB log file name
 * (<account>_CloudTrail_) and the folder before CloudTrail/ (an
 * organization trail's AWSLogs/o-.../<account>/CloudTrail/);
 * right before a resource ID in a table (VPC flow logs, --output text);
 * or as a quoted element of a JSON array that am_split_account() finds to
 * be a list of accounts.  Also, as documents write them: in prose with
 * markup (``123456789012``, (123456789012), "Replace 111122223333 with
 * your account"), in mistyped or URL-encoded ARNs (LOOSE_ARN), as the
 * owner of an image location (ImageLocation: <account>/<name>), as the
 * value of an owner-id filter, in VPC peering status messages
 * ("Pending Acceptance by ..."), as the <value> after <key>Owner</key>,
 * as a YAML list item or the "Id" of an object under an account key,
 * and as a folder of a path that am_split_account() finds to be an
 * AWS one.  Elsewhere twelve digits are left alone.
 */
#define ACCOUNT_KEY_SEP "[\"']?[ \\t]*[=:][ \\t]*[\"']?"
/* Markup around a value in prose: ``x``, *x*, (x), \\(`x`\\), and
 * AsciiDoc's [.replaceable]`x`. */
#define MARKUP "(?:\\\\?\\(|[`*_]|\\[\\.replaceable\\]){0,4}"
/* An ARN's start as documents mistype it too: a space after a colon,
 * the region's colon lost, arn and aws swapped, '*' for the service;
 * also URL-encoded (a policy in a query string, after %22 too) and
 * AsciiDoc's {arn-aws}.  Only the account is taken from these: a
 * well-formed ARN is the arn row's, which comes first. */
#define LOOSE_ARN \
	"(?:(?<![A-Za-z0-9_%])(?:arn[ \\t]?:[ \\t]?aws|aws[ \\t]?:[ \\t]?arn)" \
	"(?:-[a-z]{1,4}(?:-[a-z])?)?[ \\t]?:[ \\t]?(?:[a-z0-9-]{1,62}|\\*)" \
	"[ \\t]?:[ \\t]?(?:[a-z0-9-]{1,32}|\\*)?[ \\t]?:?[ \\t]?" \
	"|(?<![A-Za-z0-9_%])\\{arn-aws\\}[a-z0-9-]{1,62}:(?:[a-z0-9-]{1,32})?:" \
	"|(?:%[0-9a-f]{2}|(?<![A-Za-z0-9_%]))arn%3aaws" \
	"(?:-[a-z]{1,4}(?:-[a-z])?)?%3a[a-z0-9-]{1,62}%3a" \
	"(?:[a-z0-9-]{1,32})?%3a)" MARKUP
#define ACCOUNT_PAT \
	"(?=[\\\\\"AaOoRr<\\[0-9/{IiNnUu%-])(?i:" Q "(?:[a-z0-9-]{1,24}:)?(?:[A-Za-z0-9]{0,24}" \
	"(?:OwnerId|Owner|AccountId|AccountIds|Account|AccountNumber|UserId)|" \
	"RequesterId|RegistryId|PrincipalId|AWS|(?:[a-z]{1,12}[_-])?" \
	"(?:account[_-]id|owner[_-]id))" Q "[ \\t]*:[ \\t]*\\[?[ \\t]*\\\\?\"?" \
	"|<(?:[A-Za-z0-9]{0,24}(?:OwnerId|AccountId|AccountNumber|Account|" \
	"RequesterId|RegistryId)|UserId)>" \
	"|(?:(?<![A-Za-z0-9_])(?:aws[_-]?)?|(?<=sso[_-]|source[_-]|" \
	"target[_-]|peer[_-]))(?:account[_-]?id|" \
	"owner[_-]?id|account[_-]?number|account)" ACCOUNT_KEY_SEP \
	"|(?<![A-Za-z0-9_])registry[_-]?id" ACCOUNT_KEY_SEP \
	"|--(?:[a-z0-9]+-){0,4}(?:account-ids?|owner-ids?|owners?|accounts?|" \
	"source-account|expected-bucket-owner|principals?)(?:[ \\t]+|=)[\"']?" \
	"|(?<![A-Za-z0-9_])account(?:[ \\t]+(?:id|number|no\\.?))?[ \\t]*" \
	"[:#]?[ \\t]*" MARKUP "|(?<![A-Za-z0-9_])AWSLogs/" \
	"|" LOOSE_ARN "|(?<![A-Za-z0-9_])\\\\?[\"']?imageLocation" ACCOUNT_KEY_SEP \
	"(?=[0-9]{12}/)|<imageLocation>(?=[0-9]{12}/)" \
	"|(?<![A-Za-z0-9_])name=[a-z-]{0,24}(?:owner|account|requester)-id," \
	"values=|(?<![A-Za-z0-9_])(?:acceptance[ \\t]+by|request[ \\t]+to)" \
	"[ \\t]+|<value>(?=[0-9]{12}</value>)|/(?=[0-9]{12}/)" \
	"|(?<![A-Za-z0-9_])\\[id=(?=[0-9]{12}\\])" \
	"|(?<![A-Za-z0-9_])user:[ \\t]{0,4})" \
	"\\K[0-9]{12}(?![0-9])" \
	"|\\\\?\"[0-9]{12}(?=\\\\?\")" \
	"|(?<=- )[0-9]{12}(?=[ \\t]*(?:#|\\r|\\n|$))" \
	"|(?<![A-Za-z0-9_])[0-9]{12}(?=[`*_]{0,2}[ \\t]+with[ \\t]+(?:your|the)" \
	"[ \\t]+(?:AWS[ \\t]+)?account)" \
	"|(?<=eni-[0-9a-f]{17} |eni-[0-9a-f]{8} )[0-9]{12}(?= )" \
	"|(?<![A-Za-z0-9])[0-9]{12}(?=[_/](?:CloudTrail|vpcflowlogs|" \
	"elasticloadbalancing)[_/-])" \
	"|(?<![A-Za-z0-9_.:/-])[0-9]{12}(?=[ \\t]+(?:eni|rtb|vpc|sg|subnet|i|" \
	"vol|snap|ami|igw|acl|nat|tgw|pcx|vpce|r)-[0-9a-f]{8})"

/*
 * A YAML or key=value key with a camel-case prefix (recipientAccountId:,
 * eC2SecurityGroupOwnerId=): a row of its own, so that the account row
 * above is not tried at every word; the key is read whole and then
 * checked for its ending, without backtracking.
 */
#define ACCOUNT_CAMEL_PAT \
	"(?=[a-z])(?<![A-Za-z0-9_])[a-z][A-Za-z0-9]{0,40}+(?<=[a-z0-9]AccountId|" \
	"[a-z0-9]OwnerId|[a-z0-9]AccountNumber|[a-z0-9]Account)" \
	ACCOUNT_KEY_SEP "\\K[0-9]{12}(?![0-9])"

/*
 * ARNs.  arn:partition:service:region:account:resource.  The resource
 * may not end in sentence punctuation, and a comma ends it: IAM allows
 * commas in names, but ARNs in comma-separated lists are far more common,
 * and a resource that ran on would keep its neighbours' identifiers as
 * unmasked "path"; for the same reason am_split_arn() cuts it where another
 * ARN or an s3:// URI begins, whatever glues them (= + * $), and the
 * scanner goes on from there.  One bounded repetition of one class, so
 * a failing match backtracks linearly.  An S3 ARN stops at the bucket:
 * the object key is kept and scanned like any text (it may hold IDs).
 */
#define ARN_PAT \
	"(?:arn:(?<![A-Za-z0-9_]arn:)(?:aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|" \
	"aws-iso-e|aws-iso-f|aws-eusc):|\\{arn-aws\\})(?:s3:::[A-Za-z0-9*](?:[A-Za-z0-9._*-]" \
	"{0,61}[A-Za-z0-9*])?(?![A-Za-z0-9._*-])|[a-z0-9][a-z0-9-]{0,62}:" \
	"(?:[a-z0-9-]{1,32}|\\*)?:(?:[A-Za-z0-9_-]{1,24}|\\*)?:" \
	"[A-Za-z0-9_/:.@+=*$!-]{0,2047}[A-Za-z0-9_/*$-])"

/* A name: ASCII as AWS's names are, or with UTF-8 bytes in it (a tag's,
 * a name given in error): a value a key names is never cut at its first
 * byte beyond ASCII, which would leave the rest of it readable. */
#define NAME_VALUE \
	"[A-Za-z0-9_/\\x80-\\xff](?:[A-Za-z0-9_.@+=/\\x80-\\xff-]{0,254}" \
	"[A-Za-z0-9_\\x80-\\xff-])?"
/* Words of a key may be joined by '_' or '-' (role_name, role-name). */
#define W "[_-]?"
/* One branch per first letter, the letters most common at the start of
 * a word first: PCRE2 tries an alternation's branches one by one, and
 * this row is tried at the start of most words. */
#define NAME_KEYS \
	"(?:S(?:tack(?:" W "Set)?" W "Name|ervice(?:" W "Name)?|hort" W "Name|" \
	"ecret" W "(?:Id|Name)|t(?:ate" W "Machine|ream)" W "Name|" \
	"so_role_name)|" \
	"C(?:luster(?:" W "(?:Name|Identifier))?|ache" W "(?:Subnet" W \
	"Group" W "Name|Cluster" W "Id)|rawler" W "Name|o(?:nnection|ntainer|" \
	"mputer)" W "Name|apacity" W "Provider" W "Name)|" \
	"R(?:ole" W "(?:Session" W ")?Name|e(?:pository" W "Name|" \
	"plication" W "Group" W "Id)|ule" W "Name)|" \
	"P(?:olicy|roject|ipeline|refix" W "List)" W "Name|" \
	"T(?:able|opic|arget" W "Group)" W "Name|" \
	"D(?:B" W "(?:Name|Subnet" W "Group" W "Name|(?:Instance|Cluster)" W \
	"Identifier|(?:Cluster" W ")?Snapshot" W "Identifier)|" \
	"(?:elivery" W "Stream|omain|atabase|isplay)" W "Name)|" \
	"L(?:oad" W "Balancer|aunch" W "(?:Template|Configuration)|og" W \
	"(?:Group|Stream)|ifecycle" W "Hook)" W "Name|Log" W "Group|" \
	"(?:(?:AWS" W ")?S3" W ")?Bucket(?:" W "Name)?|User" W "Name|" \
	"Function" W "Name|" \
	"Key" W "Name|Option" W "Group" W "Name|" \
	"Queue" W "Name|In(?:stance" W "Profile|dex)" W "Name|" \
	"A(?:uto" W "Scaling" W "Group|lias|pplication|larm)" W "Name|" \
	"Environment" W "Name|Group" W "Name|Job" W "Name|" \
	"Node" W "group" W "Name|Work" W "Group(?:" W "Name)?|Name(?=s))"
/* JSON; a quoted value after key = or key: (YAML, Python, shell); an
 * unquoted value after KEY= (env files, CLI shorthand) or after a YAML
 * key when nothing but a comment follows; a row of --output table
 * ("|  StackName  |  prodnetwork  |"); a CLI flag; ~/.aws/config's
 * sso_role_name = NAME and role_session_name = NAME; an EC2 filter
 * (Name=tag:Name,Values=web-1 or Name=log-group-name,Values=x; not a
 * filter on an ID, Name=volume-id, which KEYED_ID_PAT reads).
 * Unquoted values elsewhere are too often code or prose (stack_name: a
 * pointer to...). */
#define NAME_PAT \
	"(?i:(?<![A-Za-z0-9_-])\\\\?[\"']?" NAME_KEYS \
	"(?:s?" Q "[ \\t]*:[ \\t]*" Q NAME_VALUE "(?=\\\\?\")" \
	"|[\"']?[ \\t]*[:=][ \\t]*[\"']" NAME_VALUE "(?=[\"'])" \
	"|=" NAME_VALUE "(?=[ \\t;&,}\\])]|\\r|\\n|$)" \
	"|(?:><Name)?>" NAME_VALUE "(?=</)" \
	"|:[ \\t]+" NAME_VALUE "(?=[ \\t]*(?:#|\\r|\\n|$))" \
	"|[ \\t]{1,64}\\|[ \\t]{1,8}" NAME_VALUE "(?=[ \\t][ \\t|]))" \
	"|(?:sso_role|role_session)_name[ \\t]*=[ \\t]*" NAME_VALUE \
	"(?=[ \\t]*(?:[#;]|\\r|\\n|$))" \
	"|(?<![A-Za-z0-9_-])Name=(?:tag:Name|[a-z]{1,20}(?:-[a-z]{1,20}){0,4}" \
	"-(?!ids?,)[a-z]{1,20})" \
	",Values=" NAME_VALUE "(?:," NAME_VALUE "){0,3}" \
	"|--[a-z]+(?:-[a-z]+){0,5}(?:[ \\t]+|=)[\"']?" \
	NAME_VALUE "(?![A-Za-z0-9_@+=/\\x80-\\xff-]|\\.[A-Za-z0-9_])" \
	"(?:[\"']?[ \\t]+[\"']?(?!-)" NAME_VALUE \
	"(?![A-Za-z0-9_@+=/\\x80-\\xff-]|\\.[A-Za-z0-9_])){0,3})"
/* A CloudTrail digest file's name holds the trail's:
 * <account>_CloudTrail-Digest_<region>_<trail>_<home region>_<time>Z. */
#define TRAIL_DIGEST_PAT \
	"(?<=[0-9]{12})_CloudTrail-Digest_" REGION "_[A-Za-z0-9._-]{1,128}_" \
	REGION "_[0-9]{8}T[0-9]{6}Z"
/* Terraform's `name = "..."` (and plan's `~ name = "old" -> "new"`):
 * split_tf_name() (naming.c) keeps only the resource types it knows. */
#define TF_NAME_PAT \
	"name(?<![A-Za-z0-9_.\"'-]name)[ \\t]{0,48}=[ \\t]{0,4}\"" NAME_VALUE \
	"(?=\")(?:\"[ \\t]{1,4}->[ \\t]{1,4}\"" NAME_VALUE "(?=\"))?"

/* A tag's Value and its value; tags.c looks for its Key (see there). */
#define TAG_VALUE_PAT \
	"(?=[\\\\\"'Vv<])(?:<value>[^<\\r\\n]{1,255}(?=</value>)|" \
	"(?<![A-Za-z0-9_-])\\\\?[\"']?[Vv]alue\\\\?[\"']?[ \\t]*" \
	"(?:[:=][ \\t]*(?:\\\\?\"[^\"\\\\\\r\\n]{1,255}(?=\\\\?\")|" \
	"'[^'\\r\\n]{1,255}(?='))" \
	"|=[^\\s,}\\])\"'][^\\s,}\\])\"']{0,254}" \
	"|:[ \\t]+[^\\s\"'#,{}\\[\\]][^\\r\\n#]{0,254}?" \
	"(?=[ \\t]*(?:#|\\r|\\n|$))))"

/*
 * Names the prose calls out: "a role named ``Test-Role``", "the table
 * called `GameScores`", "bucket named *my-logs*".  A resource noun, then
 * "named" or "called", then the name in Markdown, reStructuredText or
 * AsciiDoc code or emphasis, or quotes.  The noun picks the prefix.
 * A hosted zone is named after its domain (a hosted zone named
 * ``example.com``), a folder is an S3 key prefix.
 */
#define PROSE_NOUNS \
	"(?:user|table|cluster|bucket|role|trail|stream|group|function|" \
	"index|topic|service|policy|alias|queue|secret|stack|repository|" \
	"distribution|database|domain|key[ \\t]pair|instance|pipeline|" \
	"workgroup|rule|alarm|parameter|profile|zone|(?:sub)?folder)"
#define PROSE_NAME_PAT \
	"(?i:(?<![A-Za-z0-9_-])" PROSE_NOUNS "s?[ \\t]+(?:named|called)[ \\t]+)" \
	"(?:``|[`*\"'])[A-Za-z0-9_](?:[A-Za-z0-9_.@+=/-]{0,126}" \
	"[A-Za-z0-9_])?(?=``|[`*\"'])"

/*
 * Under a key or flag that says it holds an ID (VpcId, "ImageId",
 * <groupId>, image_id:, instance_uid:, --instance-ids), a value of a
 * known prefix is that kind's ID whatever the shape of its tail, as
 * documents write them (vpc-1234567890abcdefg, tgw-0bf0bffefaEXAMPLE,
 * sg-1234): three to 24 letters or digits, one digit at least, or
 * "EXAMPLE" (igw-fEXAMPLE); a UUID kind's tail may hold its hyphens
 * (sfr-73fbd2ce-aa30-494c-8788-1cee4EXAMPLE).  Any other value is
 * weighed by opaque_id_prefix() (ids.c).  The values of a CLI filter on
 * an ID (Name=volume-id,Values=a,b) and the elements of a JSON list
 * on the key's line ("DetectorIds": ["a", "b"]) are read the same way.
 * A KMS key ID may be given as its alias (KmsKeyId: alias/my-key,
 * --kms-key-id alias/my-key): the alias name is KMS_ALIAS, alias/ and
 * AWS's alias/aws/... kept.
 * A plural flag, a filter or a list gives up to four; a flag reaches
 * here through am_split_name(), whose row matches every --flag first.
 */
#define KEYED_ID_VALUE \
	"(?:alias/)?[A-Za-z0-9][A-Za-z0-9_-]{2,127}(?![A-Za-z0-9_-])"
#define KEYED_ID_PAT \
	"\\\\?\"(?:[A-Za-z][A-Za-z0-9]{0,40}(?:Id|ID)|[a-z][a-z0-9_]{0,40}_u?id)" \
	"s\\\\?\"[ \\t]*:[ \\t]*\\[[ \\t]*\\\\?\"" KEYED_ID_VALUE \
	"(?:\\\\?\"[ \\t]*,[ \\t]*\\\\?\"" KEYED_ID_VALUE "){0,3}" \
	"|(?:\\\\?\"(?:[A-Za-z][A-Za-z0-9]{0,40}(?:Id|ID)|" \
	"[a-z][a-z0-9_]{0,40}_u?id)s?" \
	"\\\\?\"[ \\t]*:[ \\t]*\\\\?\"" \
	"|<[A-Za-z][A-Za-z0-9]{0,40}(?:Id|ID)>" \
	"|(?<![A-Za-z0-9_-])(?:[A-Za-z][A-Za-z0-9]{0,40}+(?<=Id|ID)|" \
	"[a-z][a-z0-9_]{0,40}+(?<=_id|_uid))[\"']?[ \\t]*[:=][ \\t]*[\"']?" \
	")" KEYED_ID_VALUE \
	"|(?<![A-Za-z0-9_-])Name=(?:[a-z0-9]{1,24}-){1,4}ids?,Values=" \
	KEYED_ID_VALUE "(?:," KEYED_ID_VALUE "){0,3}"

#endif /* AM_PATTERNS_H */
