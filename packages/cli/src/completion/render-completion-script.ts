import { COMPLETE_COMMAND, COMPLETE_FILES } from './complete-words.js';

export type Shell = 'bash' | 'zsh' | 'fish';

/**
 * The scripts hold no command or flag names: they ask `stackfleet __complete`
 * with the words typed so far, so they never go stale when the command table
 * changes, and stack names and labels come from the manifest of the directory
 * the user is in.
 */
export function renderCompletionScript(shell: Shell): string {
  return SCRIPTS[shell];
}

const BASH = `# stackfleet completion for bash. Install:
#   stackfleet completion bash > ~/.local/share/bash-completion/completions/stackfleet
# or add to ~/.bashrc:  source <(stackfleet completion bash)
_stackfleet_complete() {
  local current="\${COMP_WORDS[COMP_CWORD]}"
  local IFS=$'\\n'
  local -a candidates
  candidates=($(stackfleet ${COMPLETE_COMMAND} "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
  if [[ "\${candidates[0]}" == "${COMPLETE_FILES}" ]]; then
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -f -- "$current"))
  else
    COMPREPLY=($(compgen -W "\${candidates[*]}" -- "$current"))
  fi
}
complete -o default -F _stackfleet_complete stackfleet
`;

const ZSH = `#compdef stackfleet
# stackfleet completion for zsh. Install:
#   stackfleet completion zsh > "\${fpath[1]}/_stackfleet"
# or add to ~/.zshrc (after compinit):  source <(stackfleet completion zsh)
_stackfleet() {
  local -a candidates
  candidates=("\${(@f)$(stackfleet ${COMPLETE_COMMAND} "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  if [[ "\${candidates[1]}" == "${COMPLETE_FILES}" ]]; then
    _files
  elif [[ -n "\${candidates[1]}" ]]; then
    compadd -a candidates
  fi
}
if [[ "\${funcstack[1]}" == "_stackfleet" ]]; then
  _stackfleet "$@"
else
  compdef _stackfleet stackfleet
fi
`;

const FISH = `# stackfleet completion for fish. Install:
#   stackfleet completion fish > ~/.config/fish/completions/stackfleet.fish
function __stackfleet_complete
    set -l words (commandline -opc) (commandline -ct)
    set -l candidates (stackfleet ${COMPLETE_COMMAND} $words[2..-1] 2>/dev/null)
    if test "$candidates[1]" = "${COMPLETE_FILES}"
        __fish_complete_path (commandline -ct)
    else
        printf '%s\\n' $candidates
    end
end
complete -c stackfleet -f -a '(__stackfleet_complete)'
`;

const SCRIPTS: Record<Shell, string> = { bash: BASH, zsh: ZSH, fish: FISH };
