#compdef rxcheck
# zsh completion for rxcheck(1). Installed as _rxcheck in a directory of
# $fpath (PREFIX/share/zsh/site-functions, or vendor-completions for /usr).
# Country codes and rule ids are asked of rxcheck itself
# (`rxcheck rules list --jurisdictions`, `rxcheck rules list`).

_rxcheck_ask() {
  local -a rules
  local i
  for (( i = 2; i < CURRENT; i++ )); do
    [[ ${words[i]} == --rules ]] && rules=(--rules ${(Q)words[i+1]})
    [[ ${words[i]} == --rules=* ]] && rules=(--rules ${(Q)${words[i]#--rules=}})
  done
  ${~_rxc_bin} "$@" $rules 2>/dev/null
}

_rxcheck_countries() {
  local -a cc
  cc=(${(f)"$(_rxcheck_ask rules list --jurisdictions)"})
  _describe -t countries 'jurisdiction (ISO 3166-1 alpha-2)' cc
}

_rxcheck_rule_ids() {
  local -a ids
  ids=(${${(f)"$(_rxcheck_ask rules list)"}%% *})
  _describe -t rules 'rule id' ids
}

# The rxcheck being completed, as typed (words shift below).
local _rxc_bin=${words[1]}
local -a fmt severity color
fmt=('jsonl:one JSON object per row' 'csv:the input columns and rxcheck_ columns' 'text:for a terminal' 'sarif:a SARIF 2.1.0 log')
severity=(contraindicated major moderate minor info)
color=(auto always never)

local -a batch_opts query_opts validate_opts rules_opts
batch_opts=(
  '--rules=[rule packs to use instead of the built-in ones]:directory:_directories'
  '--format=[output format]:format:(($fmt))'
  '--out=[write results to FILE]:file:_files'
  '--rejects=[write unreadable rows as line,column,reason]:file:_files'
  '--summary=[write the run summary as JSON]:file:_files'
  '--country=[jurisdiction for rows without a country]:country:_rxcheck_countries'
  '--fail-on=[exit 1 on a finding at or above]:severity:($severity)'
  '--only-in-scope[write only rows whose drug a pack recognises]'
  '--explain[add the conditions every rule compared]'
  '--jobs=[worker threads]:number (1-64)'
  '--map=[map columns canonical=Header,...]:mapping'
  '--max-field=[longest field accepted]:bytes (K, M, G)'
  '--layout=[FILE is a multi-table export folder]:layout:(synthea omop mimic4)'
  '--diagnoses=[join a diagnoses table]:file:_files'
  '--patients=[join a patients table]:file:_files'
  '--join=[patient key column in every joined file]:column'
  '*--output=[also write the results in FMT to FILE]:FMT=FILE'
  '--report=[write an HTML summary report]:file:_files'
  '--suppress=[apply the suppressions in FILE]:file:_files'
  '--as-of=[evaluate with the rules in force on this date]:date (YYYY-MM-DD)'
  '--no-header[the input has no header row]'
  '--header-from=[with --no-header: column names from FILE'"'"'s first row]:file:_files'
  '--columns=[with --no-header: the column names]:names (comma-separated)'
  '--line-offset=[add N to every line number reported]:number'
  '(-h --help)'{-h,--help}'[show help]'
)
query_opts=(
  '--drug=[the drug as written]:drug'
  '--code=[a drug code (rxnorm:, atc:, bnf:, ndc:)]:code'
  '--form=[the dosage form]:form'
  '*--dx=[diagnosis codes]:codes'
  '--age=[age in whole years]:years'
  '--birth-date=[date of birth]:YYYY-MM-DD'
  '--date=[prescription date]:YYYY-MM-DD'
  '--country=[jurisdiction]:country:_rxcheck_countries'
  '*--comed=[other drugs taken]:names'
  '--dose=[total daily dose in mg]:mg'
  '--json[print the JSON object batch prints]'
  '--explain[show the conditions behind every verdict]'
  '(--colour)--color=[colour]:when:($color)'
  '(--color)--colour=[colour]:when:($color)'
  '--fail-on=[exit 1 on a finding at or above]:severity:($severity)'
  '--rules=[rule packs to use instead of the built-in ones]:directory:_directories'
  '(-h --help)'{-h,--help}'[show help]'
)
validate_opts=(
  '--map=[map columns canonical=Header,...]:mapping'
  '--country=[jurisdiction for rows without a country]:country:_rxcheck_countries'
  '--rejects=[write unreadable rows as line,column,reason]:file:_files'
  '--summary=[also write the summary as JSON]:file:_files'
  '--max-field=[longest field accepted]:bytes (K, M, G)'
  '--no-header[the input has no header row]'
  '--header-from=[with --no-header: column names from FILE'"'"'s first row]:file:_files'
  '--columns=[with --no-header: the column names]:names (comma-separated)'
  '--line-offset=[add N to every line number reported]:number'
  '(-h --help)'{-h,--help}'[show help]'
)
rules_opts=(
  '--rules=[rule packs to use instead of the built-in ones]:directory:_directories'
  '--jurisdictions[list: only the jurisdictions the packs cover]'
  '--as-of=[list: only the rules in force on this date]:date (YYYY-MM-DD)'
  '(-h --help)'{-h,--help}'[show help]'
)

local curcontext=$curcontext state line ret=1
typeset -A opt_args

_arguments -C \
  '(- :)'{-h,--help}'[show help]' \
  '(- :)'{-V,--version}'[show the version and the built-in rule packs]' \
  '1:command:((batch\:"check every row of an export" query\:"check one prescription" validate\:"report an export'"'"'s columns and rejects" rules\:"lint, list, show, test or diff rule packs" summary\:"merge the summaries of a split run"))' \
  '*::arg:->args' && ret=0

case $state in
  args)
    case ${words[1]} in
      batch) _arguments -S $batch_opts '1::export:_files' && ret=0 ;;
      validate) _arguments -S $validate_opts '1::export:_files' && ret=0 ;;
      query) _arguments -S $query_opts && ret=0 ;;
      summary)
        if (( CURRENT == 2 )); then
          local -a subs
          subs=('merge:add up the summaries of the chunks of one run')
          _describe -t commands 'summary subcommand' subs && ret=0
        else
          _arguments -S '--out=[write the merged summary to FILE]:file:_files' \
            '(-h --help)'{-h,--help}'[show help]' '*:summary:_files' && ret=0
        fi ;;
      rules)
        if (( CURRENT == 2 )); then
          local -a subs
          subs=('lint:validate rule files' 'list:list the rules' 'show:show one rule'
                'test:run the packs'"'"' test cases' 'diff:rules added, removed and changed')
          _describe -t commands 'rules subcommand' subs && ret=0
        else
          case ${words[2]} in
            show) _arguments -S $rules_opts '2:rule id:_rxcheck_rule_ids' && ret=0 ;;
            lint|test) _arguments -S $rules_opts '2::pack directory:_directories' && ret=0 ;;
            diff) _arguments -S $rules_opts '2:old packs:_directories' '3:new packs:_directories' && ret=0 ;;
            list) _arguments -S $rules_opts && ret=0 ;;
          esac
        fi ;;
    esac ;;
esac
return ret
