# fish completion for awsmask, awsunmask, awsmask-stats, awsmask-cleanup
# and awsmask-claude.  Install in a folder of $fish_complete_path as
# awsmask.fish, and under each other tool's name (a copy or a link, as
# `make install` does): fish loads a command's completions from the file
# of its name.

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
                redis-cluster:// 'A Redis Cluster, redis-cluster://host:port[,host:port...][/?options]' \
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
complete -c awsmask -l report -r -F -d 'Write what was masked (found, with -c) to FILE'
complete -c awsmask -l report-format -x -a 'text json sarif' -d 'Findings of -c as text, json or sarif'
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

complete -c awsmask-stats -s C -l config -r -F -d 'Read FILE instead of the configuration files'
complete -c awsmask-stats -s h -l help -d 'Print a usage summary and exit'
complete -c awsmask-stats -l json -d 'Print one JSON object'
complete -c awsmask-stats -l namespace -x -d 'Prefix of the Redis keys'
complete -c awsmask-stats -s o -l output -r -F -d 'Write to FILE, whole or not at all'
complete -c awsmask-stats -l password-file -r -F -d 'Read the Redis password from FILE'
complete -c awsmask-stats -l prometheus -d "Print node_exporter's text format"
complete -c awsmask-stats -s q -l quiet -d 'Print no warnings and no progress'
complete -c awsmask-stats -s s -l store -x -a '(__awsmask_store)' -d 'The mapping store'
complete -c awsmask-stats -l ttl -x -d 'Mapping lifetime: seconds or Ns, Nm, Nh, Nd'
complete -c awsmask-stats -s v -l verbose -d 'Say how long counting took'
complete -c awsmask-stats -s V -l version -d 'Print the version and exit'

complete -c awsmask-cleanup -s C -l config -r -F -d 'Read FILE instead of the configuration files'
complete -c awsmask-cleanup -s n -l dry-run -d 'Say what would be removed; change nothing'
complete -c awsmask-cleanup -s h -l help -d 'Print a usage summary and exit'
complete -c awsmask-cleanup -l json -d 'Print a summary as one JSON object'
complete -c awsmask-cleanup -l max-entries -x -d 'Evict least recently used pairs down to N'
complete -c awsmask-cleanup -l min-idle -x -d 'Never evict a pair used this recently'
complete -c awsmask-cleanup -l namespace -x -d 'Prefix of the Redis keys'
complete -c awsmask-cleanup -l password-file -r -F -d 'Read the Redis password from FILE'
complete -c awsmask-cleanup -s q -l quiet -d 'Print no warnings and no progress'
complete -c awsmask-cleanup -s s -l store -x -a '(__awsmask_store)' -d 'The mapping store'
complete -c awsmask-cleanup -l ttl -x -d 'Mapping lifetime: seconds or Ns, Nm, Nh, Nd'
complete -c awsmask-cleanup -s v -l verbose -d 'Print a summary line on stderr'
complete -c awsmask-cleanup -s V -l version -d 'Print the version and exit'
complete -c awsmask-cleanup -l wait -d "Wait for another run's lock instead of exiting"

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
