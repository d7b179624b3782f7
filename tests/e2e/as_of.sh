#!/bin/sh
# End-to-end test of rule windows on the command line (issue 9): `rules
# list --as-of DATE` lists exactly the rules in force on DATE, `rules list`
# and `rules show` show each rule's window (and show its version), bad
# dates and misplaced --as-of are usage errors (exit 2, nothing on stdout),
# and the packs' dated test cases pass: the fictional tests/packs/dated and
# the built-in fluvoxamine pack, whose Japanese social anxiety disorder
# rules change on 2005-10-11.
# Environment: RXCHECK (the binary), SRC (source dir), WORK (scratch dir).
set -u
. "${SRC:?set SRC to the source directory}/tests/e2e/lib/common.sh"
unset RXCHECK_RULES
DATED=$SRC/tests/packs/dated

# run NAME WANT_RC ARGS...: rxcheck ARGS, output in $WORK/NAME.out/.err.
run() {
  name=$1 want=$2
  shift 2
  "$RXCHECK" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
  rc=$?
  [ "$rc" -eq "$want" ] || {
    fail "$name: exit $rc, expected $want"
    sed 's/^/    stderr: /' "$WORK/$name.err"
  }
}
# same NAME EXPECTED-TEXT: NAME's stdout is exactly the text.
same() {
  printf '%s\n' "$2" >"$WORK/$1.want"
  diff -u "$WORK/$1.want" "$WORK/$1.out" >"$WORK/$1.diff" ||
    { fail "$1: output differs"; sed 's/^/    /' "$WORK/$1.diff"; }
}
# ids NAME: the rule ids (first column) of NAME's stdout, on one line.
ids() { cut -d' ' -f1 "$WORK/$1.out" | tr '\n' ' ' | sed 's/ $//'; }

# ---- rules list: windows shown, --as-of filters ---------------------------------
run list 0 rules list --rules "$DATED"
same list "us-ocd                             regulatory     -                approved: US ocd any formulation
jp-ocd                             regulatory     -                approved: JP ocd any formulation
jp-sad                             regulatory     -                approved: JP sad any formulation (valid from 2005-10-11)
jp-sad-before                      regulatory     -                off-label: JP sad any formulation (valid until 2005-10-10)
us-sad-2008                        regulatory     -                approved: US sad any formulation (valid 2008-02-01 to 2014-06-30)
label-2017                         label          info             (fictional) A label change of 4 Jan 2017 applies. (valid from 2017-01-04)
dose-old                           dose           major            (fictional) Above the old maximum of 100 mg/day (until 2010). (valid until 2010-12-31)
int-datadol                        interaction    contraindicated  (fictional) Datadol with datamine is contraindicated from 2012. (valid from 2012-01-01)"

# as_of DATE WANT-IDS: `rules list --as-of DATE` lists exactly those ids.
as_of() {
  run "asof_$1" 0 rules list --rules "$DATED" --as-of "$1"
  got=$(ids "asof_$1")
  [ "$got" = "$2" ] || fail "rules list --as-of $1: got '$got', want '$2'"
}
as_of 2005-10-10 "us-ocd jp-ocd jp-sad-before dose-old"
as_of 2005-10-11 "us-ocd jp-ocd jp-sad dose-old"
as_of 2008-01-31 "us-ocd jp-ocd jp-sad dose-old"
as_of 2008-02-01 "us-ocd jp-ocd jp-sad us-sad-2008 dose-old"
as_of 2010-12-31 "us-ocd jp-ocd jp-sad us-sad-2008 dose-old"
as_of 2011-01-01 "us-ocd jp-ocd jp-sad us-sad-2008"
as_of 2012-01-01 "us-ocd jp-ocd jp-sad us-sad-2008 int-datadol"
as_of 2014-06-30 "us-ocd jp-ocd jp-sad us-sad-2008 int-datadol"
as_of 2014-07-01 "us-ocd jp-ocd jp-sad int-datadol"
as_of 2017-01-03 "us-ocd jp-ocd jp-sad int-datadol"
as_of 2017-01-04 "us-ocd jp-ocd jp-sad label-2017 int-datadol"
# The lines listed are the plain list's lines, unchanged.
grep -qxF "$(sed -n 3p "$WORK/list.out")" "$WORK/asof_2005-10-11.out" ||
  fail "asof_2005-10-11: the jp-sad line differs from the plain list's"

# ---- rules show: version and window ---------------------------------------------
run show 0 rules show --rules "$DATED" us-sad-2008
sed -n 1,8p "$WORK/show.out" >"$WORK/show_head.out"
same show_head "rule:     us-sad-2008
pack:     dated
kind:     regulatory
summary:  approved: US sad any formulation
version:  2008-02
valid:    2008-02-01 to 2014-06-30
source:   D1: Datamine label history (fictional)
defined:  $DATED/rules.yaml:31"
run show_open 0 rules show --rules "$DATED" us-ocd
grep -qx "version:  2.3.0" "$WORK/show_open.out" || fail "show_open: no pack version"
grep -q "^valid:" "$WORK/show_open.out" && fail "show_open: a window for a rule without one"

# ---- usage errors: exit 2, nothing on stdout -------------------------------------
# bad NAME MESSAGE ARGS...: exit 2, stderr's first line is "rxcheck rules: MESSAGE".
bad() {
  bname=$1 bwant=$2
  shift 2
  run "$bname" 2 "$@"
  got=$(sed -n 1p "$WORK/$bname.err")
  [ "$got" = "rxcheck rules: $bwant" ] || fail "$bname: stderr was: $got"
  [ -s "$WORK/$bname.out" ] && fail "$bname: printed on stdout"
}
for d in 2005-02-30 2005-13-01 2005-10-1 20051011 2005-10-10T00:00:00Z \
  tomorrow ""; do
  bad "bad_date_$d" "invalid date '$d' for --as-of (expected YYYY-MM-DD, a real calendar date)" \
    rules list --rules "$DATED" --as-of "$d"
done
bad no_value "option '--as-of' needs a value" rules list --as-of
bad show_as_of "--as-of goes with list only" rules show --as-of 2005-10-11 jp-sad-adults
bad test_as_of "--as-of goes with list only" rules test --as-of 2005-10-11
bad juris_as_of "--as-of and --jurisdictions do not go together (the covered jurisdictions do not change with the date)" \
  rules list --jurisdictions --as-of 2005-10-11

# ---- the built-in fluvoxamine pack: Japan SAD changes on 2005-10-11 ---------------
run fl_before 0 rules list --as-of 2005-10-10
run fl_on 0 rules list --as-of 2005-10-11
run fl_all 0 rules list
grep -q '^jp-sad-before-approval ' "$WORK/fl_before.out" || fail "fl_before: jp-sad-before-approval missing"
grep -q '^jp-sad-adults ' "$WORK/fl_before.out" && fail "fl_before: jp-sad-adults listed"
grep -q '^jp-sad-under-18 ' "$WORK/fl_before.out" && fail "fl_before: jp-sad-under-18 listed"
grep -q '^jp-sad-adults .*(valid from 2005-10-11)$' "$WORK/fl_on.out" || fail "fl_on: jp-sad-adults missing"
grep -q '^jp-sad-before-approval ' "$WORK/fl_on.out" && fail "fl_on: jp-sad-before-approval listed"
all=$(wc -l <"$WORK/fl_all.out") before=$(wc -l <"$WORK/fl_before.out") on=$(wc -l <"$WORK/fl_on.out")
[ "$before" -eq $((all - 2)) ] || fail "fl_before: $before rules of $all (want all but 2)"
[ "$on" -eq $((all - 1)) ] || fail "fl_on: $on rules of $all (want all but 1)"

# ---- the packs' dated test cases ---------------------------------------------------
run test_dated 0 rules test "$DATED"
same test_dated "22 passed, 0 failed"
run test_builtin 0 rules test
grep -q ' 0 failed$' "$WORK/test_builtin.out" || fail "test_builtin: $(tail -n 1 "$WORK/test_builtin.out")"

finish "ok: rules list --as-of, windows in rules list and show, dated pack tests"
