#!/usr/bin/env python3
"""Time Python reference libraries on the big benchmark data.

Usage: python timing.py [--judgments PATH] [--comparisons PATH] [--out timing.json]
Each measurement runs in its own subprocess (python timing.py --one NAME ...), which does its
untimed setup, then the timed runs, and reports wall times plus its own peak RSS
(resource.getrusage(RUSAGE_SELF).ru_maxrss; this includes the setup, e.g. the loaded DataFrame).
"""
import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version as _v

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_J = "/work/main/bench-data/judgments.csv"
DEFAULT_C = "/work/main/bench-data/comparisons.csv"

# name: (runs, timeout seconds or None, description)
MEASUREMENTS = {
    "read_csv": (3, None, "pandas.read_csv(judgments.csv)"),
    "mv_fit": (3, None, "crowdkit MajorityVote().fit(df) (library call only)"),
    "mv_pipeline": (3, None, "read_csv + MajorityVote fit + labels_.to_csv"),
    "ds_fit": (3, None, "crowdkit DawidSkene(n_iter=25, tol=0).fit(df)"),
    "wawa_fit": (3, None, "crowdkit Wawa().fit_predict(df) (fit alone only computes skills)"),
    "glad_fit": (1, 600, "crowdkit GLAD(n_iter=25).fit(df), 1 run, abort after 600 s"),
    "mace_probe": (1, 300, "crowdkit MACE(n_restarts=1, n_iter=1).fit(df) probe, to decide whether full MACE is feasible"),
    "kripp_nominal": (3, None, "krippendorff.alpha(coders x tasks float matrix, nominal)"),
    "fleiss": (3, None, "statsmodels aggregate_raters + fleiss_kappa on tasks with the modal number of ratings"),
    "cohen_sample": (3, None, "sklearn cohen_kappa_score on 2000 random sharing annotator pairs (calls only)"),
    "choix_ilsr": (3, None, "choix.ilsr_pairwise(n_items, decisive comparisons) (ties dropped)"),
}


def load_df(path):
    import pandas as pd
    df = pd.read_csv(path)
    if "worker" not in df.columns:
        df = df.rename(columns={"annotator": "worker"})
    return df[["task", "worker", "label"]]


def one(name, jpath, cpath):
    import pandas as pd
    runs, _, _ = MEASUREMENTS[name]
    times, info = [], {}

    def timed(fn):
        t0 = time.perf_counter()
        r = fn()
        times.append(time.perf_counter() - t0)
        return r

    if name == "read_csv":
        for _ in range(runs):
            timed(lambda: pd.read_csv(jpath))
    elif name in ("mv_fit", "ds_fit", "wawa_fit", "glad_fit", "mace_probe"):
        from crowdkit.aggregation import MajorityVote, DawidSkene, Wawa, GLAD, MACE
        df = load_df(jpath)
        for _ in range(runs):
            if name == "mv_fit":
                timed(lambda: MajorityVote().fit(df))
            elif name == "ds_fit":
                m = timed(lambda: DawidSkene(n_iter=25, tol=0).fit(df))
                info["iterations_run"] = len(m.loss_history_)
            elif name == "wawa_fit":
                timed(lambda: Wawa().fit_predict(df))
            elif name == "glad_fit":
                m = timed(lambda: GLAD(n_iter=25, silent=True).fit(df))
                info["iterations_run"] = len(m.loss_history_)
            elif name == "mace_probe":
                timed(lambda: MACE(n_restarts=1, n_iter=1, random_state=0).fit(df))
                # probe = 3 E-steps (init, 1 iteration, final); full default MACE = 10 x 51 + 1 E-steps
                info["estimated_full_mace_seconds"] = times[-1] / 3 * (10 * 51 + 1)
                info["full_mace"] = "skipped (not fast)"
    elif name == "mv_pipeline":
        from crowdkit.aggregation import MajorityVote
        with tempfile.TemporaryDirectory() as td:
            out = os.path.join(td, "labels.csv")
            for _ in range(runs):
                def pipe():
                    df = load_df(jpath)
                    MajorityVote().fit(df).labels_.rename("label").to_csv(out)
                timed(pipe)
    elif name == "kripp_nominal":
        import krippendorff
        df = load_df(jpath)
        w_codes, w_names = pd.factorize(df["worker"])
        t_codes, t_names = pd.factorize(df["task"])
        l_codes, l_names = pd.factorize(df["label"], sort=True)
        t0 = time.perf_counter()
        M = np.full((len(w_names), len(t_names)), np.nan)
        M[w_codes, t_codes] = l_codes
        info["matrix_build_seconds"] = time.perf_counter() - t0
        info["matrix_shape"] = list(M.shape)
        info["matrix_gb"] = M.nbytes / 1e9
        for _ in range(runs):
            a = timed(lambda: krippendorff.alpha(reliability_data=M, level_of_measurement="nominal"))
        info["alpha"] = float(a)
    elif name == "fleiss":
        from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa
        df = load_df(jpath)
        sizes = df.groupby("task").size()
        r = int(sizes.value_counts().idxmax())
        keep = sizes.index[sizes == r]
        sub = df[df["task"].isin(keep)].sort_values(["task", "worker"])
        codes, _ = pd.factorize(sub["label"], sort=True)
        arr = codes.reshape(-1, r)
        info["ratings_per_item"] = r
        info["items"] = int(arr.shape[0])
        for _ in range(runs):
            k = timed(lambda: fleiss_kappa(aggregate_raters(arr)[0], method="fleiss"))
        info["kappa"] = float(k)
    elif name == "cohen_sample":
        import scipy.sparse as sps
        from sklearn.metrics import cohen_kappa_score
        df = load_df(jpath)
        w_codes, w_names = pd.factorize(df["worker"])
        t_codes, t_names = pd.factorize(df["task"])
        l_codes, _ = pd.factorize(df["label"], sort=True)
        nW, nT = len(w_names), len(t_names)
        A = sps.csr_matrix((np.ones(len(df)), (w_codes, t_codes)), shape=(nW, nT))
        S = sps.triu(A @ A.T, k=1).tocoo()
        n_pairs = int(S.nnz)
        info["sharing_pairs"] = n_pairs
        info["shared_items_total"] = int(S.data.sum())
        rng = np.random.default_rng(0)
        pick = rng.choice(n_pairs, size=min(2000, n_pairs), replace=False)
        L = sps.csr_matrix((l_codes + 1, (w_codes, t_codes)), shape=(nW, nT))
        rows = [L.getrow(i) for i in range(nW)]
        dense = {}
        pairs = []
        t0 = time.perf_counter()
        for p in pick:
            i, j = int(S.row[p]), int(S.col[p])
            ri, rj = rows[i], rows[j]
            common, ia, ja = np.intersect1d(ri.indices, rj.indices, return_indices=True)
            pairs.append((ri.data[ia] - 1, rj.data[ja] - 1))
        info["extract_seconds_sample"] = time.perf_counter() - t0
        import warnings
        for _ in range(runs):
            def calls():
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    return [cohen_kappa_score(a, b) for a, b in pairs]
            timed(calls)
        info["sample_pairs"] = len(pairs)
        med = statistics.median(times)
        info["extrapolated_all_pairs_seconds"] = med * n_pairs / len(pairs)
        info["extrapolated_all_pairs_with_extract_seconds"] = (med + info["extract_seconds_sample"]) * n_pairs / len(pairs)
    elif name == "choix_ilsr":
        import choix
        c = pd.read_csv(cpath)
        items = sorted(set(c["left"]) | set(c["right"]))
        idx = {s: k for k, s in enumerate(items)}
        l = c["left"].map(idx).to_numpy()
        r = c["right"].map(idx).to_numpy()
        w = c["winner"].to_numpy()
        dec = w != "tie"
        win = np.where(w == "left", l, r)[dec]
        los = np.where(w == "left", r, l)[dec]
        data = list(zip(win.tolist(), los.tolist()))
        info["n_items"] = len(items)
        info["decisive_comparisons"] = len(data)
        for _ in range(runs):
            p = timed(lambda: choix.ilsr_pairwise(len(items), data, alpha=0))
        info["log_strength_range"] = [float(p.min()), float(p.max())]
    else:
        raise SystemExit(f"unknown measurement {name}")
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"times": times, "peak_rss_mb": peak_kb / 1024.0, "info": info}))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--one")
    ap.add_argument("--judgments", default=DEFAULT_J)
    ap.add_argument("--comparisons", default=DEFAULT_C)
    ap.add_argument("--out", default=os.path.join(HERE, "timing.json"))
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args()
    if args.one:
        one(args.one, args.judgments, args.comparisons)
        return
    results = {}
    names = args.only or list(MEASUREMENTS)
    for name in names:
        runs, timeout, desc = MEASUREMENTS[name]
        cmd = [sys.executable, os.path.abspath(__file__), "--one", name,
               "--judgments", args.judgments, "--comparisons", args.comparisons]
        t0 = time.perf_counter()
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
            if p.returncode != 0:
                res = {"error": p.stderr.strip().splitlines()[-1] if p.stderr.strip() else f"rc={p.returncode}"}
            else:
                res = json.loads(p.stdout.strip().splitlines()[-1])
                res["median_seconds"] = statistics.median(res["times"])
        except subprocess.TimeoutExpired:
            res = {"timeout": True, "timeout_seconds": timeout}
        res["description"] = desc
        res["runs_requested"] = runs
        res["subprocess_wall_seconds"] = time.perf_counter() - t0
        results[name] = res
        print(f"{name}: {json.dumps(res)}", flush=True)
    out = {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": sys.version.split()[0]},
        "versions": {p: _v(p) for p in ["crowd-kit", "pandas", "numpy", "scipy", "krippendorff",
                                        "statsmodels", "scikit-learn", "choix"]},
        "inputs": {"judgments": args.judgments, "comparisons": args.comparisons},
        "results": results,
    }
    if os.path.exists(args.out) and args.only:
        old = json.load(open(args.out))
        old["results"].update(results)
        old.update({k: v for k, v in out.items() if k != "results"})
        out = old
    with open(args.out, "w") as fh:
        json.dump(out, fh, indent=1)
    print()
    print(f"{'measurement':<16} {'median s':>10} {'runs':>5} {'peak RSS MB':>12}  notes")
    for name, r in out["results"].items():
        if "median_seconds" in r:
            med = f"{r['median_seconds']:.3f}"
        elif r.get("timeout"):
            med = "timeout"
        else:
            med = "error"
        rss = f"{r['peak_rss_mb']:.0f}" if "peak_rss_mb" in r else "-"
        n = len(r.get("times", []))
        note = ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                         for k, v in r.get("info", {}).items())
        if "error" in r:
            note = r["error"]
        print(f"{name:<16} {med:>10} {n:>5} {rss:>12}  {note}")


if __name__ == "__main__":
    main()
