# fish completion for awsmask and awsunmask

function __awsmask_kinds
    awsmask --list-types 2>/dev/null | cut -f1
end

for tool in awsmask awsunmask
    complete -c $tool -s C -l config -r -F -d 'Read FILE instead of the configuration files'
    complete -c $tool -s h -l help -d 'Show the usage and exit'
    complete -c $tool -l line-buffered -d 'Write every line at once'
    complete -c $tool -l namespace -x -d 'Store key prefix'
    complete -c $tool -l password-file -r -F -d 'Read the Redis password from FILE'
    complete -c $tool -s q -l quiet -d 'No warnings'
    complete -c $tool -s s -l store -x -a 'memory: sqlite: redis:// unix://' -d 'Mapping store URI'
    complete -c $tool -l ttl -x -d 'Mapping lifetime'
    complete -c $tool -s v -l verbose -d 'Report what was done'
    complete -c $tool -s V -l version -d 'Print the version and exit'
end

complete -c awsmask -l allow -x -d 'Never mask VALUE'
complete -c awsmask -l allow-file -r -F -d 'Never mask the values listed in FILE'
complete -c awsmask -s c -l check -d 'Scan only: exit 1 if identifiers are found'
complete -c awsmask -l exclude-types -x -a '(__awsmask_kinds)' -d 'Kinds to leave alone'
complete -c awsmask -l list-types -d 'List the identifier kinds'
complete -c awsmask -l no-preserve-structure -d 'One token for a whole ARN, URL or host'
complete -c awsmask -l store-status -d 'Report the store and exit'
complete -c awsmask -s t -l types -x -a '(__awsmask_kinds)' -d 'Kinds to mask'

complete -c awsunmask -l strict -d 'An unknown token is an error'
complete -c awsunmask -l verify -r -F -d 'Compare the result with ORIGINAL'
