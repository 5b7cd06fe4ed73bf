# fish completion for awsmask, awsunmask and awsmask-claude.  Install in
# a folder of $fish_complete_path as awsmask.fish, and as awsunmask.fish
# and awsmask-claude.fish (copies or links): fish loads a command's
# completions from the file of its name.

# Kind names and token prefixes, from the tool, after any "a,b," already
# typed: --types and --exclude-types take a comma list.
function __awsmask_kinds
    set -l tok (commandline -ct | string replace -r -- '^--[a-z-]+=' '')
    set -l head (string match -r -- '^.*,' $tok)
    set -l tool (commandline -opc)[1]
    # awsmask-claude masks as awsmask does; awsmask lists the kinds.
    set tool (string replace -r -- '-claude$' '' $tool)
    command -sq -- $tool; or set tool awsmask
    $tool --list-types 2>/dev/null | while read -l -d \t name prefix enabled desc
        printf '%s%s\t%s\n' "$head" $name $desc
    end
    $tool --list-types 2>/dev/null | cut -f2 | sort -u | while read -l prefix
        printf '%s%s\t%s\n' "$head" $prefix 'token prefix'
    end
end

# Store URIs: the schemes, then a path after sqlite: or unix://.
function __awsmask_store
    set -l tok (commandline -ct | string replace -r -- '^--store=' '')
    switch $tok
        case 'sqlite:*'
            __fish_complete_path (string replace -- sqlite: '' $tok) |
                string replace -r -- '^' sqlite:
        case 'unix://*'
            __fish_complete_path (string replace -- unix:// '' $tok) |
                string replace -r -- '^' unix://
        case '*'
            printf '%s\t%s\n' memory: 'A store that lives and dies with the process' \
                sqlite: 'The embedded store, sqlite:PATH' \
                redis:// 'A Redis server, redis://[user@]host[:port][/db]' \
                unix:// 'A Redis server on a unix socket, unix:///PATH'
    end
end

complete -c awsmask -l allow -x -d 'Never mask VALUE'
complete -c awsmask -l allow-eviction -d 'Use a Redis whose maxmemory-policy may evict keys'
complete -c awsmask -l allow-file -r -F -d 'Never mask the values listed in FILE'
complete -c awsmask -s c -l check -d 'Scan only: report identifiers, exit 1 if any'
complete -c awsmask -s C -l config -r -F -d 'Read FILE instead of the configuration files'
complete -c awsmask -l exclude-types -x -a '(__awsmask_kinds)' -d 'Kinds to leave alone'
complete -c awsmask -l format -x -a 'auto text json ndjson' -d 'Input format'
complete -c awsmask -s h -l help -d 'Print a usage summary and exit'
complete -c awsmask -l line-buffered -d 'Write every line at once'
complete -c awsmask -l list-types -d 'Print the identifier kinds and exit'
complete -c awsmask -l namespace -x -d 'Prefix of the Redis keys'
complete -c awsmask -l no-preserve-structure -d 'One token for a whole ARN, URL or hostname'
complete -c awsmask -l password-file -r -F -d 'Read the Redis password from FILE'
complete -c awsmask -l patterns -r -F -d 'Add the custom kinds of FILE'
complete -c awsmask -s q -l quiet -d 'Print no warnings'
complete -c awsmask -l report -r -F -d 'Write what was masked to FILE as JSON lines'
complete -c awsmask -s s -l store -x -a '(__awsmask_store)' -d 'The mapping store'
complete -c awsmask -l store-status -d "Report the store's reachability and exit"
complete -c awsmask -l token-key-file -r -F -d 'The key of digest tokens'
complete -c awsmask -l token-style -x -a 'counter digest' -d 'Token numbers: counter or digest'
complete -c awsmask -s t -l types -x -a '(__awsmask_kinds)' -d 'Kinds to mask'
complete -c awsmask -l ttl -x -d 'Mapping lifetime: seconds or Ns, Nm, Nh, Nd'
complete -c awsmask -s v -l verbose -d 'Report what was done on stderr'
complete -c awsmask -s V -l version -d 'Print the version and exit'

complete -c awsunmask -s C -l config -r -F -d 'Read FILE instead of the configuration files'
complete -c awsunmask -l exact -d 'Restore tokens only as written (not ec2-001)'
complete -c awsunmask -l format -x -a 'auto text json ndjson' -d 'Input format'
complete -c awsunmask -s h -l help -d 'Print a usage summary and exit'
complete -c awsunmask -l line-buffered -d 'Write every line at once'
complete -c awsunmask -l namespace -x -d 'Prefix of the Redis keys'
complete -c awsunmask -l password-file -r -F -d 'Read the Redis password from FILE'
complete -c awsunmask -l patterns -r -F -d 'Know the token prefixes of the custom kinds of FILE'
complete -c awsunmask -s q -l quiet -d 'Print no warnings'
complete -c awsunmask -s s -l store -x -a '(__awsmask_store)' -d 'The mapping store'
complete -c awsunmask -l strict -d 'An unknown token is an error'
complete -c awsunmask -l ttl -x -d 'Mapping lifetime: seconds or Ns, Nm, Nh, Nd'
complete -c awsunmask -s v -l verbose -d 'Report what was done on stderr'
complete -c awsunmask -l verify -r -F -d 'Compare the unmasked text with the file ORIGINAL'
complete -c awsunmask -s V -l version -d 'Print the version and exit'

complete -c awsmask-claude -l allow -x -d 'Never mask VALUE'
complete -c awsmask-claude -l allow-eviction -d 'Use a Redis whose maxmemory-policy may evict keys'
complete -c awsmask-claude -l allow-file -r -F -d 'Never mask the values listed in FILE'
complete -c awsmask-claude -l api-key-file -r -F -d 'Read the API key from FILE'
complete -c awsmask-claude -s C -l config -r -F -d 'Read FILE instead of the configuration files'
complete -c awsmask-claude -l dry-run -d 'Print the masked request and send nothing'
complete -c awsmask-claude -l exclude-types -x -a '(__awsmask_kinds)' -d 'Kinds to leave alone'
complete -c awsmask-claude -s h -l help -d 'Print a usage summary and exit'
complete -c awsmask-claude -l max-retries -x -d 'Retries of a request that failed'
complete -c awsmask-claude -l max-tokens -x -d 'Longest answer, in tokens'
complete -c awsmask-claude -s m -l model -x -a 'claude-sonnet-4-5 claude-opus-4-1 claude-haiku-4-5' -d 'The Claude model'
complete -c awsmask-claude -l namespace -x -d 'Prefix of the Redis keys'
complete -c awsmask-claude -l no-cache -d 'Neither use nor fill the response cache'
complete -c awsmask-claude -l no-preserve-structure -d 'One token for a whole ARN, URL or hostname'
complete -c awsmask-claude -l no-stream -d 'Print the answer once it is complete'
complete -c awsmask-claude -l password-file -r -F -d 'Read the Redis password from FILE'
complete -c awsmask-claude -l patterns -r -F -d 'Add the custom kinds of FILE'
complete -c awsmask-claude -s q -l quiet -d 'Print no warnings'
complete -c awsmask-claude -l raw -d 'Print the response JSON, unmasked, not its text'
complete -c awsmask-claude -l request -r -F -d 'Send FILE, a whole Messages request'
complete -c awsmask-claude -l show-masked -d 'Print the answer as Claude wrote it, still masked'
complete -c awsmask-claude -s s -l store -x -a '(__awsmask_store)' -d 'The mapping store'
complete -c awsmask-claude -l stream -d 'Print the answer as it is written'
complete -c awsmask-claude -l system -x -d 'The system prompt'
complete -c awsmask-claude -l timeout -x -d 'Give up on one request after this long'
complete -c awsmask-claude -l token-key-file -r -F -d 'The key of digest tokens'
complete -c awsmask-claude -l token-style -x -a 'counter digest' -d 'Token numbers: counter or digest'
complete -c awsmask-claude -l ttl -x -d 'Mapping lifetime: seconds or Ns, Nm, Nh, Nd'
complete -c awsmask-claude -s t -l types -x -a '(__awsmask_kinds)' -d 'Kinds to mask'
complete -c awsmask-claude -s v -l verbose -d 'Report what was done on stderr'
complete -c awsmask-claude -s V -l version -d 'Print the version and exit'
