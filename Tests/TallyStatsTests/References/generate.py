#!/usr/bin/env python3
"""Generate reference outputs (JSON) for TallyStats Swift tests.

Deterministic: every design uses numpy.random.default_rng with a fixed seed.
Usage: python generate.py [OUTPUT_DIR]
(default OUTPUT_DIR: /work/main/Tests/TallyStatsTests/References)
"""
import json
import math
import os
import sys
import warnings
from importlib.metadata import version as _pkg_version

import numpy as np

OUT = sys.argv[1] if len(sys.argv) > 1 else "/work/main/Tests/TallyStatsTests/References"


def versions(*pkgs):
    v = {p: _pkg_version(p) for p in pkgs}
    v["python"] = sys.version.split()[0]
    return v


def clean(x):
    """Convert numpy scalars/arrays to plain python; NaN/inf -> None."""
    if isinstance(x, dict):
        return {str(k): clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [clean(v) for v in x]
    if isinstance(x, np.ndarray):
        return clean(x.tolist())
    if isinstance(x, (np.bool_, bool)):
        return bool(x)
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating, float)):
        f = float(x)
        return None if (math.isnan(f) or math.isinf(f)) else f
    return x


def write(name, obj):
    path = os.path.join(OUT, name)
    s = json.dumps(clean(obj), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(s + "\n")
    size = len(s.encode("utf-8"))
    print(f"wrote {path} ({size} bytes)")
    assert size < 60_000, f"{name} too large: {size}"


# ---------------------------------------------------------------------------
# 1. Categorical crowds
# ---------------------------------------------------------------------------

def tname(i):
    return f"t{i + 1:03d}"


def wname(i):
    return f"w{i + 1:02d}"


def answer(rng, truth, labels, acc):
    if rng.random() < acc:
        return truth
    others = [l for l in labels if l != truth]
    return others[rng.integers(len(others))]


def crowd_basic():
    rng = np.random.default_rng(101)
    labels = ["a", "b", "c", "d"]
    n_t, n_w = 60, 8
    acc = rng.uniform(0.55, 0.95, size=n_w)
    truth, judg = {}, []
    for t in range(n_t):
        tr = labels[rng.integers(len(labels))]
        truth[tname(t)] = tr
        k = int(rng.integers(3, 6))
        for w in sorted(rng.choice(n_w, size=k, replace=False)):
            judg.append([tname(t), wname(w), answer(rng, tr, labels, acc[w])])
    desc = ("60 tasks, 8 annotators, 3-5 random annotators per task, accuracies "
            "uniform in [0.55,0.95] (true values in design.accuracies), wrong answers uniform.")
    return labels, judg, truth, desc, {"accuracies": {wname(w): float(acc[w]) for w in range(n_w)}}


def crowd_spammers():
    rng = np.random.default_rng(202)
    labels = ["cat", "dog", "bird"]
    n_t, n_w = 80, 10
    good_acc = rng.uniform(0.8, 0.9, size=6)
    kinds = {}
    for w in range(6):
        kinds[wname(w)] = f"good acc={good_acc[w]}"
    kinds[wname(6)] = kinds[wname(7)] = "uniform spammer"
    kinds[wname(8)] = "always cat"
    kinds[wname(9)] = "adversary (wrong label w.p. 0.9)"
    truth, judg = {}, []
    for t in range(n_t):
        tr = labels[rng.integers(len(labels))]
        truth[tname(t)] = tr
        k = int(rng.integers(5, 8))
        for w in sorted(rng.choice(n_w, size=k, replace=False)):
            if w < 6:
                lab = answer(rng, tr, labels, good_acc[w])
            elif w < 8:
                lab = labels[rng.integers(len(labels))]
            elif w == 8:
                lab = "cat"
            else:
                lab = answer(rng, tr, labels, 0.1)
            judg.append([tname(t), wname(w), lab])
    desc = ("80 tasks, 10 annotators, 5-7 random annotators per task. w01-w06 good (acc 0.8-0.9), "
            "w07-w08 uniform random spammers, w09 always 'cat', w10 adversary (wrong label 90% of the time).")
    return labels, judg, truth, desc, {"annotator_kinds": kinds}


def crowd_sparse():
    rng = np.random.default_rng(303)
    labels = ["x", "y"]
    n_t = 50
    n_regular = 11  # w01..w11; w12 labels exactly one task
    acc = rng.uniform(0.6, 0.9, size=n_regular)
    truth, judg = {}, []
    single, tie11, tie22 = range(0, 8), range(8, 12), range(12, 15)
    for t in range(n_t):
        tr = labels[rng.integers(2)]
        truth[tname(t)] = tr
        if t in single:
            w = int(rng.integers(n_regular))
            judg.append([tname(t), wname(w), answer(rng, tr, labels, acc[w])])
        elif t in tie11 or t in tie22:
            k = 2 if t in tie11 else 4
            ws = sorted(rng.choice(n_regular, size=k, replace=False))
            labs = ["x"] * (k // 2) + ["y"] * (k // 2)
            rng.shuffle(labs)
            for w, l in zip(ws, labs):
                judg.append([tname(t), wname(w), l])
        else:
            k = int(rng.integers(2, 6))
            ws = sorted(rng.choice(n_regular, size=k, replace=False))
            for w in ws:
                judg.append([tname(t), wname(w), answer(rng, tr, labels, acc[w])])
    # w12: a single judgment on t020 (which has regular judgments too)
    judg.append([tname(19), wname(11), truth[tname(19)]])
    judg.sort()
    desc = ("50 tasks, 12 annotators, binary labels. t001-t008 have exactly one judgment; "
            "t009-t012 are exact 1-1 ties, t013-t015 exact 2-2 ties; w12 labels only t020. "
            "Other tasks: 2-5 judgments from w01-w11 (acc 0.6-0.9).")
    return labels, judg, truth, desc, {"single_judgment_tasks": [tname(t) for t in single],
                                       "tie_tasks": [tname(t) for t in list(tie11) + list(tie22)],
                                       "one_task_annotator": "w12"}


def crowd_unicode():
    rng = np.random.default_rng(404)
    labels = sorted(["été", "Zebra", "ünï", "日本", "😀", "apple"])  # code point order
    n_t, n_w = 40, 5
    acc = rng.uniform(0.6, 0.9, size=n_w)
    forced_ties = {0: ("été", "Zebra"), 1: ("apple", "ünï"), 2: ("日本", "😀"),
                   3: ("😀", "été"), 4: ("ünï", "Zebra"), 5: ("apple", "日本")}
    truth, judg = {}, []
    for t in range(n_t):
        if t in forced_ties:
            a, b = forced_ties[t]
            tr = a
            truth[tname(t)] = tr
            ws = sorted(rng.choice(n_w, size=2, replace=False))
            judg.append([tname(t), wname(ws[0]), a])
            judg.append([tname(t), wname(ws[1]), b])
            continue
        tr = labels[rng.integers(len(labels))]
        truth[tname(t)] = tr
        k = int(rng.integers(2, 5))
        for w in sorted(rng.choice(n_w, size=k, replace=False)):
            judg.append([tname(t), wname(w), answer(rng, tr, labels, acc[w])])
    desc = ("40 tasks, 5 annotators, 2-4 judgments per task, labels with non-ASCII code points. "
            "t001-t006 are forced 1-1 ties between two labels (truth = first-listed in design.forced_ties); "
            "labels are sorted by Unicode code point (Python str order): "
            + ", ".join(labels) + ".")
    return labels, judg, truth, desc, {"forced_ties": {tname(t): list(v) for t, v in forced_ties.items()}}


def crowd_allsame():
    rng = np.random.default_rng(505)
    labels = ["yes"]
    truth, judg = {}, []
    for t in range(20):
        truth[tname(t)] = "yes"
        k = int(rng.integers(2, 5))
        for w in sorted(rng.choice(4, size=k, replace=False)):
            judg.append([tname(t), wname(w), "yes"])
    desc = "20 tasks, 4 annotators, 2-4 judgments per task, every judgment is 'yes'."
    return labels, judg, truth, desc, {}


def proba_dict(probas, labels):
    out = {}
    for task, row in probas.iterrows():
        out[str(task)] = {l: (float(row[l]) if l in row.index else 0.0) for l in labels}
    return out


def labels_dict(series):
    return {str(k): str(v) for k, v in series.items()}


def run_crowd(name, design):
    import pandas as pd
    from crowdkit.aggregation import MajorityVote, Wawa, DawidSkene, GLAD, MACE

    labels, judg, truth, desc, extra = design()
    labels = sorted(labels)  # code point order
    judg = sorted(judg)
    df = pd.DataFrame(judg, columns=["task", "worker", "label"])
    expected = {}
    ds_params = {"n_iter": 100, "tol": 1e-5}
    glad_params = {"n_iter": 100, "tol": 1e-5, "silent": True}
    mace_params = {"n_restarts": 10, "n_iter": 50, "random_state": 0, "method": "vb", "verbose": 0}

    def guard(fn):
        try:
            with warnings.catch_warnings(record=True) as wlist:
                warnings.simplefilter("always")
                res = fn()
            w = sorted({str(x.message) for x in wlist})
            if w:
                res["warnings"] = w
            return res
        except Exception as e:  # record, do not fail
            return {"error": f"{type(e).__name__}: {e}"}

    def mv():
        m = MajorityVote().fit(df)
        return {"labels": labels_dict(m.labels_), "proba": proba_dict(m.probas_, labels)}

    def wawa():
        m = Wawa()
        lab = m.fit_predict(df)
        pr = m.predict_proba(df)
        return {"labels": labels_dict(lab), "proba": proba_dict(pr, labels),
                "skills": {str(k): float(v) for k, v in m.skills_.items()}}

    def ds():
        m = DawidSkene(**ds_params).fit(df)
        err = {}
        for (worker, observed), row in m.errors_.iterrows():
            for true_label, p in row.items():
                err.setdefault(str(worker), {}).setdefault(str(true_label), {})[str(observed)] = float(p)
        # fill observed labels the worker never used with 0.0 (crowd-kit has no row for them)
        for w in err:
            for tl in err[w]:
                for l in labels:
                    err[w][tl].setdefault(l, 0.0)
                err[w][tl] = {l: err[w][tl][l] for l in labels}
        return {"labels": labels_dict(m.labels_), "proba": proba_dict(m.probas_, labels),
                "priors": {l: float(m.priors_.get(l, 0.0)) for l in labels},
                "errors": err, "loss_history": [float(x) for x in m.loss_history_],
                "n_iterations_run": len(m.loss_history_)}

    def glad():
        m = GLAD(**glad_params).fit(df)
        pr = m.probas_
        res = {"labels": labels_dict(m.labels_), "proba": proba_dict(pr, labels),
               "alphas": {str(k): float(v) for k, v in m.alphas_.items()},
               "betas": {str(k): float(v) for k, v in m.betas_.items()},
               "loss_history": [float(x) for x in m.loss_history_]}
        if pr.isna().any().any():
            res["note"] = "probas contain NaN (written as null)"
        return res

    def mace():
        m = MACE(**mace_params).fit(df)
        return {"labels": labels_dict(m.labels_), "proba": proba_dict(m.probas_, labels),
                "spamming": {str(w): [float(a) for a in row] for w, row in
                             zip(pd.unique(df["worker"]), m.spamming_)}}

    for key, fn in [("mv", mv), ("wawa", wawa), ("ds", ds), ("glad", glad), ("mace", mace)]:
        expected[key] = guard(fn)
    acc = {}
    for key in ["mv", "wawa", "ds", "glad", "mace"]:
        r = expected[key]
        if "labels" in r:
            acc[key] = sum(1 for t, l in truth.items() if r["labels"].get(t) == l) / len(truth)
        else:
            acc[key] = None
    expected["accuracy_vs_truth"] = acc

    description = (
        desc + " DataFrame rows are the judgments in the order given (sorted by task, then annotator). "
        "mv: MajorityVote().fit(df) labels_/probas_. wawa: Wawa().fit_predict(df), predict_proba(df), skills_. "
        "ds: DawidSkene(**ds_params).fit(df). ds.errors is written as {worker: {true_label: {observed_label: p}}}: "
        "in crowd-kit 1.4.2 errors_ is indexed by (worker, label) where the index 'label' is the OBSERVED label "
        "(M-step groups the judgments by worker and the label they gave) and the COLUMNS are the TRUE labels "
        "(columns of probas_); each column sums to 1 per worker. Observed labels a worker never gave have no row in "
        "errors_ and are written as 0.0. Values are clipped to >=1e-10 before normalisation. "
        "ds.loss_history is loss_history_ (ELBO per judgment). "
        "glad: GLAD(**glad_params); alphas = worker ability, betas = task log-difficulty (beta -> exp(beta)). "
        "mace: MACE(**mace_params) (crowd-kit MACE has no 'silent' argument; verbose=0 is the quiet setting; "
        "with a fixed random_state every restart starts from the same initialisation). "
        "mace.spamming = crowd-kit spamming_ rows [P(spamming), P(knowing)] per worker. "
        "proba rows list every label of input.labels (0.0 where the label is not a column). "
        "Ties: MV/Wawa/DS/GLAD columns are sorted labels (code point order) and idxmax picks the first maximum; "
        "MACE factorizes labels in order of first appearance in df, so its tie-breaking follows that order. "
        "accuracy_vs_truth: fraction of tasks whose label equals truth (null if the method errored). "
        "Methods that raised record {'error': message}; Python warnings raised are listed in 'warnings'."
    )
    obj = {
        "generator": "generate.py",
        "versions": versions("crowd-kit", "pandas", "numpy", "scipy"),
        "description": description,
        "ds_params": ds_params, "glad_params": glad_params, "mace_params": mace_params,
        "design": extra,
        "input": {"labels": labels, "judgments": judg, "truth": truth},
        "expected": expected,
    }
    write(f"crowd_{name}.json", obj)
    return expected


# ---------------------------------------------------------------------------
# 2. Krippendorff / Fleiss / Cohen
# ---------------------------------------------------------------------------

def agreement_nominal():
    rng = np.random.default_rng(606)
    C, U = 6, 40
    truth = rng.integers(0, 4, size=U)
    M = np.full((C, U), np.nan)
    for c in range(C):
        for u in range(U):
            M[c, u] = truth[u] if rng.random() < 0.7 else rng.integers(0, 4)
    M[rng.random((C, U)) < 0.3] = np.nan
    # coders 4 and 5 (0-based): share exactly units 0,1,2, both give 0 there; elsewhere never both present
    for u in range(U):
        if u < 3:
            M[4, u] = 0
            M[5, u] = 0
        elif not np.isnan(M[4, u]) and not np.isnan(M[5, u]):
            M[4 + int(rng.integers(2)), u] = np.nan
    # units with exactly one value: 36..39
    for u in range(36, 40):
        keep = int(rng.integers(C))
        v = M[keep, u] if not np.isnan(M[keep, u]) else float(truth[u])
        M[:, u] = np.nan
        M[keep, u] = v
    # a unit with no value at all is NOT included (every unit has >= 1 value)
    for u in range(U):
        if np.isnan(M[:, u]).all():
            M[int(rng.integers(4)), u] = truth[u]
    return M, [0, 1, 2, 3], ("6 coders x 40 units, labels 0..3, coders correct w.p. 0.7 else uniform, ~30% missing; "
                             "units 36-39 (0-based) have exactly one value; coders 4 and 5 (0-based) share only "
                             "units 0-2 where both give 0, so their Cohen kappa is undefined (null).")


def agreement_ratings():
    rng = np.random.default_rng(707)
    C, U = 5, 50
    truth = rng.integers(1, 6, size=U)
    M = np.clip(np.rint(truth[None, :] + rng.normal(0, 0.8, size=(C, U))), 1, 5)
    M[rng.random((C, U)) < 0.2] = np.nan
    return M, [1, 2, 3, 4, 5], ("5 coders x 50 units, ordinal 1..5 = clip(round(true + N(0,0.8)),1,5), "
                                "true uniform 1..5, 20% missing.")


def agreement_perfect():
    rng = np.random.default_rng(808)
    truth = rng.integers(1, 4, size=20).astype(float)
    M = np.tile(truth, (4, 1))
    return M, [1, 2, 3], "4 coders x 20 units, values 1..3, all coders agree, no missing."


def agreement_random():
    rng = np.random.default_rng(909)
    M = rng.integers(0, 5, size=(5, 400)).astype(float)
    return M, [0, 1, 2, 3, 4], "5 coders x 400 units, independent uniform labels 0..4, no missing."


def agreement_complete():
    rng = np.random.default_rng(1010)
    truth = rng.integers(0, 3, size=30)
    M = np.where(rng.random((5, 30)) < 0.75, truth[None, :], rng.integers(0, 3, size=(5, 30))).astype(float)
    return M, [0, 1, 2], "5 coders x 30 units, labels 0..2, coders correct w.p. 0.75 else uniform, no missing."


def kripp_all(M, domain):
    import krippendorff
    out = {}
    for lvl in ["nominal", "ordinal", "interval", "ratio"]:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if lvl == "ordinal":
                    a = krippendorff.alpha(reliability_data=M, level_of_measurement=lvl,
                                           value_domain=sorted(domain))
                else:
                    a = krippendorff.alpha(reliability_data=M, level_of_measurement=lvl)
            out[lvl] = float(a)
        except Exception as e:
            out[lvl] = None
            out[lvl + "_error"] = f"{type(e).__name__}: {e}"
    per = {}
    for v in domain:
        B = np.where(np.isnan(M), np.nan, (M == v).astype(float))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                a = krippendorff.alpha(reliability_data=B, level_of_measurement="nominal", value_domain=[0.0, 1.0])
            per[str(v)] = float(a)
        except Exception as e:
            per[str(v)] = None
    out["per_label"] = per
    return out


def fleiss_all(M, domain):
    from statsmodels.stats.inter_rater import fleiss_kappa
    present = ~np.isnan(M)
    counts_per_unit = present.sum(axis=0)
    res = {}
    for r in sorted(set(counts_per_unit.tolist())):
        if r < 2:
            continue
        idx = np.where(counts_per_unit == r)[0]
        if len(idx) < 2:
            continue
        table = np.zeros((len(idx), len(domain)), dtype=int)
        for row, u in enumerate(idx):
            for v in M[present[:, u], u]:
                table[row, domain.index(int(v))] += 1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            k = fleiss_kappa(table, method="fleiss")
        res[str(int(r))] = {"items": int(len(idx)), "kappa": float(k)}
    return {"by_ratings_per_item": res}


def cohen_all(M):
    from sklearn.metrics import cohen_kappa_score
    C = M.shape[0]
    pairs, vals = [], []
    for i in range(C):
        for j in range(i + 1, C):
            sh = ~np.isnan(M[i]) & ~np.isnan(M[j])
            n = int(sh.sum())
            if n < 1:
                continue
            a, b = M[i, sh].astype(int), M[j, sh].astype(int)
            with warnings.catch_warnings(record=True) as wl:
                warnings.simplefilter("always")
                k = float(cohen_kappa_score(a, b))
            undefined = math.isnan(k) or any(issubclass(w.category, RuntimeWarning) for w in wl)
            kk = None if undefined else k
            pairs.append({"a": i, "b": j, "shared": n, "kappa": kk})
            if kk is not None:
                vals.append(kk)
    return {"pairs": pairs, "mean": float(np.mean(vals)) if vals else None, "n_defined": len(vals)}


def percent_agreement(M):
    vals, left = [], 0
    for u in range(M.shape[1]):
        col = M[~np.isnan(M[:, u]), u]
        m = len(col)
        if m < 2:
            left += 1
            continue
        _, cnt = np.unique(col, return_counts=True)
        vals.append(float((cnt * (cnt - 1)).sum()) / (m * (m - 1)))
    return {"value": float(np.mean(vals)) if vals else None, "items": len(vals), "left_out": left}


def run_agreement(name, design):
    M, domain, desc = design()
    expected = {
        "krippendorff": kripp_all(M, domain),
        "fleiss": fleiss_all(M, domain),
        "cohen": cohen_all(M),
        "percent_agreement": percent_agreement(M),
    }
    description = (
        desc + " matrix is coders x units (null = missing); coder indices in 'cohen' are 0-based rows. "
        "krippendorff: krippendorff.alpha(reliability_data=M, level_of_measurement=L); for 'ordinal' "
        "value_domain=sorted(value_domain), other levels use the package default domain (unique present values). "
        "per_label[v]: nominal alpha of binary data (1 if value==v, 0 if another value, missing stays missing), "
        "computed with value_domain=[0,1]; null if undefined. "
        "fleiss: units grouped by their number r of present ratings; for each r>=2 with >=2 units a units x "
        "categories counts table is built by hand with one column per value_domain entry (categories absent in "
        "the subset are zero columns; for method='fleiss' zero columns do not change kappa) and passed to "
        "statsmodels fleiss_kappa(table, method='fleiss'); aggregate_raters was NOT used. "
        "cohen: sklearn cohen_kappa_score(a, b) on the units where both coders are present (default labels, no "
        "weights); kappa null if the result is NaN or a RuntimeWarning (0/0) was raised; mean over defined pairs. "
        "percent_agreement: per unit with m>=2 values sum_c n_c(n_c-1)/(m(m-1)), averaged over those units; "
        "left_out = units with <2 values."
    )
    obj = {
        "generator": "generate.py",
        "versions": versions("krippendorff", "statsmodels", "scikit-learn", "numpy"),
        "description": description,
        "input": {"matrix": [[None if np.isnan(x) else int(x) for x in row] for row in M],
                  "value_domain": domain},
        "expected": expected,
    }
    write(f"agreement_{name}.json", obj)
    return expected


# ---------------------------------------------------------------------------
# 3. MASI / multi-label
# ---------------------------------------------------------------------------

def masi(a, b, sub=0.67, over=0.33):
    a, b = set(a), set(b)
    inter, union = len(a & b), len(a | b)
    if a == b:
        m = 1.0
    elif a <= b or b <= a:
        m = sub
    elif inter > 0:
        m = over
    else:
        m = 0.0
    return 1.0 - (inter / union) * m


def jaccard(a, b):
    a, b = set(a), set(b)
    return 1.0 - len(a & b) / len(a | b)


def alpha_from_coincidences(value_counts, D):
    """Krippendorff alpha from the coincidence-matrix definition.
    value_counts: units x V counts; D: V x V distance matrix."""
    vc = np.asarray(value_counts, dtype=float)
    m = vc.sum(axis=1)
    use = m >= 2
    vc, m = vc[use], m[use]
    o = np.zeros((vc.shape[1],) * 2)
    for row, mu in zip(vc, m):
        o += (np.outer(row, row) - np.diag(row)) / (mu - 1)
    n_c = o.sum(axis=0)
    n = n_c.sum()
    Do = (o * D).sum() / n
    E = (np.outer(n_c, n_c) - np.diag(n_c)) / (n - 1)
    De = (E * D).sum() / n
    return 1.0 - Do / De


def run_multilabel():
    import krippendorff
    from nltk.metrics.distance import masi_distance
    rng = np.random.default_rng(1111)
    labels = ["a", "b", "c", "d"]
    C, U = 5, 30
    matrix = []
    truth = []
    for u in range(U):
        while True:
            s = {l for l in labels if rng.random() < 0.45}
            if s:
                break
        truth.append(s)
    for c in range(C):
        row = []
        for u in range(U):
            if rng.random() < 0.2:
                row.append(None)
                continue
            s = set(truth[u])
            if rng.random() > 0.6:
                while True:
                    s2 = set(s) ^ {labels[rng.integers(4)]}
                    if s2:
                        break
                s = s2
            row.append(sorted(s))
        matrix.append(row)
    # ensure each unit has at least one value
    for u in range(U):
        if all(matrix[c][u] is None for c in range(C)):
            matrix[0][u] = sorted(truth[u])
    codes = sorted({tuple(v) for row in matrix for v in row if v is not None})
    code_of = {s: i for i, s in enumerate(codes)}
    K = len(codes)
    R = np.array([[np.nan if v is None else code_of[tuple(v)] for v in row] for row in matrix], dtype=float)
    Dm = np.array([[masi(a, b) for b in codes] for a in codes])
    Dj = np.array([[jaccard(a, b) for b in codes] for a in codes])
    Dn = 1.0 - np.eye(K)
    # nltk 3.10 uses M = 2/3 and 1/3 (older nltk used 0.67 / 0.33): check our function with those constants
    Dnltk = np.array([[masi_distance(set(a), set(b)) for b in codes] for a in codes])
    Dm3 = np.array([[masi(a, b, 2 / 3, 1 / 3) for b in codes] for a in codes])
    assert np.allclose(Dm3, Dnltk, atol=1e-15, rtol=0), np.abs(Dm3 - Dnltk).max()

    def metric(D):
        def f(v1, v2, i1, i2, n_v, dtype=np.float64):
            return D[np.asarray(i1), np.asarray(i2)].astype(dtype)
        return f

    dom = np.arange(K, dtype=float)
    a_masi = float(krippendorff.alpha(reliability_data=R, value_domain=dom, level_of_measurement=metric(Dm)))
    a_masi3 = float(krippendorff.alpha(reliability_data=R, value_domain=dom, level_of_measurement=metric(Dnltk)))
    a_jac = float(krippendorff.alpha(reliability_data=R, value_domain=dom, level_of_measurement=metric(Dj)))
    a_nom = float(krippendorff.alpha(reliability_data=R, value_domain=dom, level_of_measurement="nominal"))
    vc = (R.T[..., None] == dom[None, None, :]).sum(axis=1)
    own = {"masi": alpha_from_coincidences(vc, Dm), "masi_nltk": alpha_from_coincidences(vc, Dnltk), "jaccard": alpha_from_coincidences(vc, Dj),
           "nominal": alpha_from_coincidences(vc, Dn)}
    assert abs(own["nominal"] - a_nom) < 1e-12 and abs(own["masi"] - a_masi) < 1e-12 \
        and abs(own["jaccard"] - a_jac) < 1e-12 and abs(own["masi_nltk"] - a_masi3) < 1e-12, (own, a_masi, a_jac, a_nom)
    description = (
        "5 coders x 30 units, each value a non-empty set of labels (sorted list) or null. Each distinct set is "
        "mapped to an integer code (codes = distinct sets sorted as lists, code i = codes[i]); "
        "krippendorff.alpha(reliability_data=codes matrix, value_domain=0..K-1, level_of_measurement=callable) "
        "where the callable returns D[i1, i2] for a precomputed distance matrix. MASI distance = 1 - J*M with "
        "J=|A∩B|/|A∪B|, M=1 (equal), 0.67 (subset), 0.33 (overlap), 0 (disjoint) -> 'masi'. NOTE: the installed "
        "nltk (3.10) masi_distance uses M = 2/3 and 1/3 instead of 0.67/0.33; 'masi_nltk' is alpha with nltk's "
        "masi_distance (our formula with 2/3, 1/3 was checked equal to it). jaccard = alpha with distance 1-J. nominal = alpha treating each "
        "distinct set as a nominal category. All three were cross-checked against an independent "
        "coincidence-matrix implementation (o_ck = sum_u n_uc(n_uk - [c=k])/(m_u-1); alpha = 1 - D_o/D_e) to <1e-12."
    )
    obj = {
        "generator": "generate.py",
        "versions": versions("krippendorff", "nltk", "numpy"),
        "description": description,
        "input": {"labels": labels, "matrix": matrix},
        "expected": {"masi": a_masi, "masi_nltk": a_masi3, "jaccard": a_jac, "nominal": a_nom,
                     "codes": [list(c) for c in codes],
                     "masi_distance_matrix": Dm, "masi_nltk_distance_matrix": Dnltk,
                     "jaccard_distance_matrix": Dj},
    }
    write("agreement_multilabel.json", obj)
    return obj["expected"]


# ---------------------------------------------------------------------------
# 4. Bradley-Terry
# ---------------------------------------------------------------------------

def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def bt_basic():
    rng = np.random.default_rng(1212)
    n = 8
    s = np.linspace(-1.5, 1.5, n)
    comps = []
    for _ in range(2000):
        i, j = rng.choice(n, size=2, replace=False)
        comps.append([int(i), int(j), "left" if rng.random() < sigmoid(s[i] - s[j]) else "right"])
    return n, s, comps, {}, ("8 items, true log-strengths linspace(-1.5,1.5) (sys-k has the k-th), 2000 comparisons "
                            "of random distinct ordered pairs, BT outcome, no ties.")


def bt_ties():
    rng = np.random.default_rng(1313)
    n = 6
    s = np.linspace(-1.25, 1.25, n)
    comps = []
    for _ in range(1500):
        i, j = rng.choice(n, size=2, replace=False)
        d = abs(s[i] - s[j])
        if d < 1.1 and rng.random() < 0.35:
            w = "tie"
        else:
            w = "left" if rng.random() < sigmoid(s[i] - s[j]) else "right"
        comps.append([int(i), int(j), w])
    return n, s, comps, {}, ("6 items, true log-strengths linspace(-1.25,1.25), 1500 comparisons; tie w.p. 0.35 when "
                            "|s_l - s_r| < 1.1 (i.e. adjacent or 2-apart items), else BT outcome.")


def bt_left_bias():
    rng = np.random.default_rng(1414)
    n = 5
    s = np.linspace(-1.0, 1.0, n)
    h = 0.4
    comps = []
    for _ in range(1500):
        i, j = rng.choice(n, size=2, replace=False)
        if rng.random() < 0.1:
            w = "tie"
        else:
            w = "left" if rng.random() < sigmoid(s[i] + h - s[j]) else "right"
        comps.append([int(i), int(j), w])
    return n, s, comps, {"true_home_advantage": h}, (
        "5 items, true log-strengths linspace(-1,1), 1500 comparisons (first item is shown left); "
        "10% ties at random (independent of strengths), otherwise P(left wins)=sigmoid(s_l + h - s_r), h=0.4.")


def strongly_connected(n, pairs):
    adj = [[] for _ in range(n)]
    radj = [[] for _ in range(n)]
    for w, l in pairs:
        adj[w].append(l)
        radj[l].append(w)

    def reach(g):
        seen, st = {0}, [0]
        while st:
            x = st.pop()
            for y in g[x]:
                if y not in seen:
                    seen.add(y)
                    st.append(y)
        return len(seen) == n
    return reach(adj) and reach(radj)


def bt_sparse():
    n = 10
    s = np.linspace(-1.5, 1.5, n)
    seed = 1515
    while True:
        rng = np.random.default_rng(seed)
        perm = rng.permutation(n)
        pairs = [(int(perm[k]), int(perm[k + 1])) for k in range(n - 1)]  # spanning path => connected
        while len(pairs) < 120:
            i, j = rng.choice(n, size=2, replace=False)
            pairs.append((int(i), int(j)))
        order = rng.permutation(len(pairs))
        comps = []
        for k in order:
            i, j = pairs[k]
            if rng.random() < 0.5:
                i, j = j, i
            comps.append([i, j, "left" if rng.random() < sigmoid(s[i] - s[j]) else "right"])
        wl = [(c[0], c[1]) if c[2] == "left" else (c[1], c[0]) for c in comps]
        if strongly_connected(n, wl):
            break
        seed += 1
    return n, s, comps, {"seed_used": seed}, (
        "10 items, true log-strengths linspace(-1.5,1.5), 120 comparisons: a random spanning path (connectivity) "
        "plus random pairs, shuffled, random left/right, BT outcome, no ties. The seed is advanced from 1515 until "
        "the directed win graph is strongly connected, so the (unregularised) MLE exists.")


def bt_nll_home(theta, W):
    """theta = [s_1..s_{n-1}, h] with s_0 = 0. W: array of (left, right, y) y=1 left won."""
    import scipy.special as sp
    n1 = len(theta) - 1
    s = np.concatenate([[0.0], theta[:n1]])
    h = theta[-1]
    l, r, y = W[:, 0].astype(int), W[:, 1].astype(int), W[:, 2]
    z = s[l] + h - s[r]
    # -log sigmoid(z) if y=1, -log sigmoid(-z) if y=0
    nll = np.sum(np.where(y == 1, sp.log1p(np.exp(-np.abs(z))) + np.maximum(-z, 0),
                          sp.log1p(np.exp(-np.abs(z))) + np.maximum(z, 0)))
    p = sp.expit(z)
    g_z = p - y  # d nll / dz
    grad_s = np.zeros(len(s))
    np.add.at(grad_s, l, g_z)
    np.add.at(grad_s, r, -g_z)
    grad = np.concatenate([grad_s[1:], [g_z.sum()]])
    return nll, grad


def newton_bt(n, W, home):
    """Newton-Raphson ML fit. W rows (left, right, y), y=1 if left won. Returns (s centred, h, nll, max|grad|)."""
    import scipy.special as sp
    l, r, y = W[:, 0].astype(int), W[:, 1].astype(int), W[:, 2]
    X = np.zeros((len(W), n))
    X[np.arange(len(W)), l] += 1.0
    X[np.arange(len(W)), r] -= 1.0
    X = X[:, 1:]  # s_0 fixed at 0
    if home:
        X = np.hstack([X, np.ones((len(W), 1))])
    theta = np.zeros(X.shape[1])
    for _ in range(200):
        z = X @ theta
        p = sp.expit(z)
        g = X.T @ (p - y)
        H = X.T @ (X * (p * (1 - p))[:, None])
        step = np.linalg.solve(H, g)
        theta -= step
        if np.abs(step).max() < 1e-15:
            break
    z = X @ theta
    p = sp.expit(z)
    g = X.T @ (p - y)
    nll = float(-np.sum(y * sp.log_expit(z) + (1 - y) * sp.log_expit(-z)))
    s = np.concatenate([[0.0], theta[:n - 1]])
    s -= s.mean()
    return s, (float(theta[-1]) if home else 0.0), nll, float(np.abs(g).max())


def run_bt(name, design):
    import choix
    from scipy.optimize import minimize
    n, s_true, comps, extra, desc = design()
    items = [f"sys-{k}" for k in range(n)]
    max_iter, tol = 100, 1e-8  # choix defaults for ilsr_pairwise

    drop = [(l, r) if w == "left" else (r, l) for l, r, w in comps if w != "tie"]
    half = []
    for l, r, w in comps:
        if w == "left":
            half += [(l, r), (l, r)]
        elif w == "right":
            half += [(r, l), (r, l)]
        else:
            half += [(l, r), (r, l)]

    def fit(data):
        for alpha in (0.0, 1e-6):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    p = choix.ilsr_pairwise(n, data, alpha=alpha, max_iter=max_iter, tol=tol)
                if np.all(np.isfinite(p)):
                    p = p - p.mean()
                    return {"alpha": alpha, "log_strengths": {items[k]: float(p[k]) for k in range(n)}}
            except Exception:
                pass
        return {"error": "did not converge"}

    wins = {it: 0 for it in items}
    losses = {it: 0 for it in items}
    ties = {it: 0 for it in items}
    for l, r, w in comps:
        if w == "left":
            wins[items[l]] += 1
            losses[items[r]] += 1
        elif w == "right":
            wins[items[r]] += 1
            losses[items[l]] += 1
        else:
            ties[items[l]] += 1
            ties[items[r]] += 1
    d = fit(drop)
    hf = fit(half)
    expected = {"choix_ilsr_drop": d.get("log_strengths", d), "choix_ilsr_half": hf.get("log_strengths", hf),
                "choix_alpha": {"drop": d.get("alpha"), "half": hf.get("alpha")},
                "wins": wins, "losses": losses, "ties": ties}
    # cross-check choix (drop) against direct MLE with h fixed at 0
    if name == "left_bias":
        dec = [c for c in comps if c[2] != "tie"]
        lw = sum(1 for c in dec if c[2] == "left")
        nt = sum(1 for c in comps if c[2] == "tie")
        expected["left_share"] = lw / len(dec)
        expected["left_share_with_ties_half"] = (lw + 0.5 * nt) / len(comps)
        W = np.array([[c[0], c[1], 1.0 if c[2] == "left" else 0.0] for c in dec])
        res = minimize(bt_nll_home, np.zeros(n), args=(W,), jac=True, method="BFGS",
                       options={"gtol": 1e-9, "maxiter": 10000})
        # polish with Newton-Raphson (analytic Hessian) and check it agrees with BFGS
        s_hat, h_hat, nll, gmax = newton_bt(n, W, home=True)
        s_bfgs = np.concatenate([[0.0], res.x[:n - 1]])
        s_bfgs -= s_bfgs.mean()
        assert abs(res.x[-1] - h_hat) < 1e-6 and np.abs(s_bfgs - s_hat).max() < 1e-6
        expected["home_advantage"] = h_hat
        expected["home_log_strengths"] = {items[k]: float(s_hat[k]) for k in range(n)}
        expected["home_fit"] = {"neg_log_likelihood": nll,
                                "method": "scipy.optimize.minimize BFGS (analytic gradient) polished by Newton-Raphson",
                                "max_abs_gradient": gmax, "bfgs_h": float(res.x[-1])}
    # independent check of choix_ilsr_drop: Newton MLE without home advantage on decisive comparisons
    Wd = np.array([[c[0], c[1], 1.0 if c[2] == "left" else 0.0] for c in comps if c[2] != "tie"])
    s_chk, _, nll0, _ = newton_bt(n, Wd, home=False)
    if "log_strengths" in d:
        diff = max(abs(d["log_strengths"][items[k]] - s_chk[k]) for k in range(n))
        expected["check_newton_mle_drop_max_abs_diff"] = float(diff)
        assert diff < 1e-5, diff
    obj = {
        "generator": "generate.py",
        "versions": versions("choix", "numpy", "scipy"),
        "description": (
            desc + " Comparisons are [left, right, winner] with winner in {left,right,tie}. "
            "choix_ilsr_drop: choix.ilsr_pairwise(n_items, [(winner, loser) for decisive comparisons], alpha=0) "
            "centred to mean 0. choix_ilsr_half: each decisive comparison contributes (winner, loser) twice and "
            "each tie contributes (l, r) and (r, l) once (ties = half a win each way), alpha=0, centred. "
            "choix_alpha gives the alpha actually used (1e-6 only if alpha=0 failed). choix defaults "
            f"max_iter={max_iter}, tol={tol} (L1 norm of successive iterates). wins/losses count decisive "
            "comparisons; ties counts tie comparisons the item took part in. "
            "check_newton_mle_drop_max_abs_diff: max |choix_ilsr_drop - independent Newton-Raphson BT MLE|. "
            + ("left_share = left wins / decisive comparisons; left_share_with_ties_half = (left wins + 0.5 ties) / "
               "all comparisons. home_advantage/home_log_strengths: ML fit of P(left wins)=sigmoid(s_l + h - s_r) "
               "on decisive comparisons only (strengths centred to mean 0). " if name == "left_bias" else "")),
        "design": dict(extra, true_log_strengths={items[k]: float(s_true[k]) for k in range(n)}),
        "input": {"items": items, "comparisons": [[items[l], items[r], w] for l, r, w in comps]},
        "expected": expected,
    }
    write(f"bt_{name}.json", obj)
    return expected


def main():
    os.makedirs(OUT, exist_ok=True)
    summary = {}
    for name, fn in [("basic", crowd_basic), ("spammers", crowd_spammers), ("sparse", crowd_sparse),
                     ("unicode", crowd_unicode), ("allsame", crowd_allsame)]:
        e = run_crowd(name, fn)
        summary["crowd_" + name] = e["accuracy_vs_truth"]
        for k in ["mv", "wawa", "ds", "glad", "mace"]:
            if "error" in e[k]:
                summary["crowd_" + name + "_" + k + "_error"] = e[k]["error"]
    for name, fn in [("nominal", agreement_nominal), ("ratings", agreement_ratings),
                     ("perfect", agreement_perfect), ("random", agreement_random),
                     ("complete", agreement_complete)]:
        e = run_agreement(name, fn)
        summary["agreement_" + name] = {k: v for k, v in e["krippendorff"].items() if k != "per_label"}
        summary["agreement_" + name]["cohen_mean"] = e["cohen"]["mean"]
        summary["agreement_" + name]["fleiss"] = e["fleiss"]["by_ratings_per_item"]
    m = run_multilabel()
    summary["multilabel"] = {k: m[k] for k in ["masi", "masi_nltk", "jaccard", "nominal"]}
    for name, fn in [("basic", bt_basic), ("ties", bt_ties), ("left_bias", bt_left_bias), ("sparse", bt_sparse)]:
        e = run_bt(name, fn)
        summary["bt_" + name] = {"alpha": e["choix_alpha"], "check": e.get("check_newton_mle_drop_max_abs_diff"),
                                 "drop": e["choix_ilsr_drop"]}
        if name == "left_bias":
            summary["bt_left_bias"].update(h=e["home_advantage"], left_share=e["left_share"])
    print(json.dumps(clean(summary), indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
