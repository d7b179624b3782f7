# bash completion for rxcheck(1)                              -*- shell-script -*-
#
# Installed as PREFIX/share/bash-completion/completions/rxcheck; or source
# it from ~/.bashrc. Needs nothing but bash: not the bash-completion helpers.
#
# Commands, the options of each, --format/--color/--fail-on values, the
# --country codes the loaded packs cover (`rxcheck rules list
# --jurisdictions`) and rule ids for `rules show` (`rxcheck rules list`).
# Both are asked of the rxcheck being completed, with the --rules DIR of the
# command line when there is one.

_rxcheck_opts_batch='--rules --format --out --output --report --suppress --as-of --rejects --summary --country --fail-on --only-in-scope --explain --jobs --map --max-field --no-header --header-from --columns --line-offset --layout --diagnoses --patients --join --help'
_rxcheck_opts_query='--drug --code --form --dx --age --birth-date --date --country --comed --dose --json --explain --color --colour --fail-on --rules --help'
_rxcheck_opts_validate='--map --country --rejects --summary --max-field --no-header --header-from --columns --line-offset --help'
_rxcheck_opts_rules='--rules --jurisdictions --as-of --help'
_rxcheck_opts_summary='--out --help'

# Runs the rxcheck being completed (the command word as typed, else the one
# on PATH) with the --rules DIR given on the line, if any.
_rxcheck_ask() {
  local bin=${COMP_WORDS[0]} rules="" i
  case $bin in "~"/*) bin=$HOME/${bin#"~"/} ;; esac
  command -v -- "$bin" >/dev/null 2>&1 || bin=rxcheck
  for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
    if [[ ${COMP_WORDS[i]} == --rules ]]; then
      rules=${COMP_WORDS[i + 1]}
      [[ $rules == "=" ]] && rules=${COMP_WORDS[i + 2]}
    fi
  done
  if [[ -n $rules ]]; then
    "$bin" "$@" --rules "$rules" 2>/dev/null
  else
    "$bin" "$@" 2>/dev/null
  fi
}

_rxcheck() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev="" cmd="" sub="" i w nargs=0
  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
  # --opt=value: bash splits it into "--opt" "=" "value".
  if [[ $cur == "=" ]]; then
    cur=""
  elif [[ $prev == "=" ]] && ((COMP_CWORD > 1)); then
    prev=${COMP_WORDS[COMP_CWORD - 2]}
  fi
  COMPREPLY=()

  # The command, the rules subcommand, and how many operands come before
  # the word being completed (options taking a value skip that value).
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    case $w in
      --rules|--format|--out|--rejects|--summary|--country|--fail-on|--jobs|\
      --map|--max-field|--drug|--code|--form|--dx|--age|--birth-date|--date|\
      --comed|--dose|--color|--colour|--layout|--diagnoses|--patients|--join|\
      --as-of|--output|--report|--suppress|--header-from|--columns|--line-offset)
        [[ ${COMP_WORDS[i + 1]} == "=" ]] && ((i++))
        ((i++))
        continue ;;
      -*|=) continue ;;
    esac
    if [[ -z $cmd ]]; then
      cmd=$w
    elif [[ ($cmd == rules || $cmd == summary) && -z $sub ]]; then
      sub=$w
    else
      ((nargs++))
    fi
  done

  # Values of the option before the cursor.
  case $prev in
    --format) COMPREPLY=($(compgen -W 'jsonl csv text sarif' -- "$cur")); return ;;
    --color|--colour) COMPREPLY=($(compgen -W 'auto always never' -- "$cur")); return ;;
    --fail-on)
      COMPREPLY=($(compgen -W 'contraindicated major moderate minor info' -- "$cur"))
      return ;;
    --country)
      COMPREPLY=($(compgen -W "$(_rxcheck_ask rules list --jurisdictions)" -- "${cur^^}"))
      return ;;
    --rules)
      compopt -o filenames 2>/dev/null
      COMPREPLY=($(compgen -d -- "$cur"))
      return ;;
    --layout) COMPREPLY=($(compgen -W 'synthea omop mimic4' -- "$cur")); return ;;
    --out|--rejects|--summary|--diagnoses|--patients|--report|--suppress|--header-from)
      compopt -o filenames 2>/dev/null
      COMPREPLY=($(compgen -f -- "$cur"))
      return ;;
    --map)
      local f="patient_id birth_date age sex country rx_date drug_name drug_code form strength_mg daily_dose_mg diagnosis_codes co_medications"
      compopt -o nospace 2>/dev/null
      COMPREPLY=($(compgen -W "$f" -S = -- "$cur"))
      return ;;
    --jobs|--max-field|--drug|--code|--form|--dx|--age|--birth-date|--date|--comed|--dose|--join|\
    --as-of|--output|--columns|--line-offset)
      return ;;
  esac

  if [[ -z $cmd ]]; then
    COMPREPLY=($(compgen -W 'batch query validate rules summary --help --version' -- "$cur"))
    return
  fi

  case $cmd in
    batch|validate)
      if [[ $cur == -* ]]; then
        local opts=_rxcheck_opts_$cmd
        COMPREPLY=($(compgen -W "${!opts}" -- "$cur"))
      elif ((nargs == 0)); then
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
      fi ;;
    query)
      COMPREPLY=($(compgen -W "$_rxcheck_opts_query" -- "$cur")) ;;
    summary)
      if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$_rxcheck_opts_summary" -- "$cur"))
      elif [[ -z $sub ]]; then
        COMPREPLY=($(compgen -W 'merge' -- "$cur"))
      else
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
      fi ;;
    rules)
      if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$_rxcheck_opts_rules" -- "$cur"))
      elif [[ -z $sub ]]; then
        COMPREPLY=($(compgen -W 'lint list show test diff' -- "$cur"))
      else
        case $sub in
          show)
            ((nargs == 0)) &&
              COMPREPLY=($(compgen -W "$(_rxcheck_ask rules list | cut -d' ' -f1)" -- "$cur")) ;;
          lint|test|diff)
            local max=1
            [[ $sub == diff ]] && max=2
            if ((nargs < max)); then
              compopt -o filenames 2>/dev/null
              COMPREPLY=($(compgen -d -- "$cur"))
            fi ;;
        esac
      fi ;;
  esac
}

complete -F _rxcheck rxcheck
