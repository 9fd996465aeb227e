# Formats the results of bench/run-peers.sh as Markdown tables.
# Input lines (tab-separated): fs  workload  value  unit(s|iops)  status(ok|timeout|fail|skip), one per run
# Variables: fslist="plain overlay ..." (column order), labels="fs=Label;..." , rows="key=Label;..." (row order),
#            ref1=fuse-overlayfs ref2=plain, timeout=SECONDS, nruns=N
BEGIN {
  FS = "\t"
  nf = split(fslist, fss, " ")
  nr = split(rows, rr, ";")
  for (i = 1; i <= nr; i++) { p = index(rr[i], "="); key[i] = substr(rr[i], 1, p - 1); rlabel[key[i]] = substr(rr[i], p + 1) }
  nl = split(labels, ll, ";")
  for (i = 1; i <= nl; i++) { p = index(ll[i], "="); flabel[substr(ll[i], 1, p - 1)] = substr(ll[i], p + 1) }
}
# several runs: the median of the runs that worked; any run that did not makes the cell that run's status
{
  k = $1 SUBSEP $2
  unit[k] = $4
  runs[k]++
  if ($5 == "ok") { n_ok[k]++; v[k, n_ok[k]] = $3 + 0 }
  else if (bad[k] == "") bad[k] = $5
}
function median(k,    n, i, j, t, a) {
  n = n_ok[k]
  for (i = 1; i <= n; i++) a[i] = v[k, i]
  for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
  lo[k] = a[1]; hi[k] = a[n]
  return (n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2)
}
END {
  for (k in runs) {
    if (n_ok[k] > 0) val[k] = median(k)
    if (bad[k] == "") st[k] = "ok"
    else st[k] = bad[k]
    nbad[k] = runs[k] - n_ok[k]
  }
}

function cell(f, k,    s, v) {
  s = st[f, k]
  if (s == "") return "n/a"
  if (s == "timeout") return "TIMEOUT (>" timeout " s)" (runs[f, k] > 1 ? " " nbad[f, k] "/" runs[f, k] : "")
  if (s == "fail") return "FAIL" (runs[f, k] > 1 ? " " nbad[f, k] "/" runs[f, k] : "")
  if (s == "skip") return "skipped"
  v = val[f, k]
  if (unit[f, k] == "iops") return sprintf("%d IOPS", v + 0.5)
  return secs(v)
}
function secs(v) {
  if (v < 0.1) return sprintf("%.3f s", v)
  if (v < 10) return sprintf("%.2f s", v)
  return sprintf("%.1f s", v)
}
# the range of the runs
function range(f, k) {
  if (n_ok[f, k] < 2) return cell(f, k)
  if (unit[f, k] == "iops") return sprintf("%d-%d", lo[f, k] + 0.5, hi[f, k] + 0.5)
  return sprintf("%s-%s", substr(secs(lo[f, k]), 1, length(secs(lo[f, k])) - 2), secs(hi[f, k]))
}
# slowdown of f against r: > 1 means f is slower (for IOPS: fewer)
function ratio(f, r, k,    a, b) {
  if (st[f, k] != "ok" || st[r, k] != "ok") return ""
  a = val[f, k] + 0; b = val[r, k] + 0
  if (unit[f, k] == "iops") { if (a <= 0) return ""; return b / a }
  if (b <= 0) return ""
  return a / b
}
function rcell(f, r, k,    x) {
  x = ratio(f, r, k)
  if (x == "") return (st[f, k] == "ok" ? "-" : cell(f, k))
  return sprintf("%.2fx", x)
}
function header(title,    i, s, d) {
  s = "| " title " |"; d = "| --- |"
  for (i = 1; i <= nf; i++) { s = s " " flabel[fss[i]] " |"; d = d " ---: |" }
  print s; print d
}
END {
  print "Absolute, median of " nruns " run" (nruns > 1 ? "s" : "") " (seconds; IOPS for fio, more is better):"
  print ""
  header("workload")
  for (i = 1; i <= nr; i++) {
    s = "| " rlabel[key[i]] " |"
    for (j = 1; j <= nf; j++) s = s " " cell(fss[j], key[i]) " |"
    print s
  }
  for (q = 1; q <= 2; q++) {
    r = (q == 1 ? ref1 : ref2)
    have = 0
    for (j = 1; j <= nf; j++) if (fss[j] == r) have = 1
    if (!have) continue
    print ""
    print "Ratio to " flabel[r] " (time / its time; for IOPS its IOPS / IOPS: above 1 = slower):"
    print ""
    header("workload")
    for (i = 1; i <= nr; i++) {
      if (key[i] == "mount" && r == "plain") continue
      s = "| " rlabel[key[i]] " |"
      for (j = 1; j <= nf; j++) s = s " " rcell(fss[j], r, key[i]) " |"
      print s
    }
  }
  if (nruns > 1) {
    print ""
    print "Range of the " nruns " runs (min-max):"
    print ""
    header("workload")
    for (i = 1; i <= nr; i++) {
      s = "| " rlabel[key[i]] " |"
      for (j = 1; j <= nf; j++) s = s " " range(fss[j], key[i]) " |"
      print s
    }
  }
  # the targets of issue 6: MapFS no worse than 1.5x fuse-overlayfs; sequential read within 20%
  if (st["mapfs", "walk_warm"] != "" && st[ref1, "walk_warm"] != "") {
    print ""
    print "MapFS against its targets (issue 6: at most 1.5x fuse-overlayfs, sequential read at most 1.2x):"
    print ""
    for (i = 1; i <= nr; i++) {
      k = key[i]
      if (k == "mount") continue
      lim = (k == "seq_read" ? 1.2 : 1.5)
      x = ratio("mapfs", ref1, k)
      if (x == "") verdict = "not measured (" cell("mapfs", k) ")"
      else verdict = sprintf("%.2fx %s", x, (x <= lim ? "meets" : "MISSES") " " lim "x")
      print "- " rlabel[k] ": " verdict
    }
  }
}
