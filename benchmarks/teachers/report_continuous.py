"""Markdown tables from the continuous-teacher benchmark JSON files.

PYTHONPATH=. python benchmarks/teachers/report_continuous.py GRIDTOY.json [...] --rl RL.json --speed SPEED.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def gridtoy(paths: list[Path]) -> None:
    rows, seen = [], set()
    for p in paths:  # later files add teachers; a (variant, teacher) seen before is skipped
        for r in json.loads(p.read_text())["results"]:
            if (r["variant"], r["teacher"]) not in seen:
                seen.add((r["variant"], r["teacher"]))
                rows.append(r)
    for variant in dict.fromkeys(r["variant"] for r in rows):
        sub = [r for r in rows if r["variant"] == variant]
        print(
            f"\n**{variant}** ({sub[0]['seeds']} paired seeds, {sub[0]['episodes']:,} episodes)\n"
        )
        print(
            "| teacher | % mastered (mean) | x Uniform | share of oracle | paired diff vs Uniform | seeds better than Uniform | run time |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for r in sub:
            xu = r["x_uniform"]
            print(
                f"| {r['teacher']} | {r['final_mean']:.1f} | "
                f"{'inf' if xu == float('inf') else f'{xu:.1f}x'} | {100 * r['share_of_oracle']:.0f}% | "
                f"{r['paired_diff_vs_uniform']:+.1f} | {r['wins_vs_uniform']}/{r['seeds']} | {r['seconds']:.0f} s |"
            )


def rl(path: Path) -> None:
    rows = json.loads(path.read_text())["results"]
    print(f"\n({rows[0]['seeds']} paired seeds, {rows[0]['episodes']:,} training episodes)\n")
    print(
        "| teacher | % held-out solved (mean ± s.e.m.) | curve every 1,000 episodes | paired diff vs Uniform | seeds better than Uniform |"
    )
    print("| --- | ---: | --- | ---: | ---: |")
    for r in rows:
        curve = ", ".join(f"{x:.0f}" for x in r["mean_curve"])
        print(
            f"| {r['teacher']} | {r['final_mean']:.1f} ± {r['final_sem']:.1f} | {curve} | "
            f"{r['paired_diff_vs_uniform']:+.1f} | {r['wins_vs_uniform']}/{r['seeds']} |"
        )


def speed(path: Path) -> None:
    rows = json.loads(path.read_text())["results"]
    print("\n| measurement | value | unit | target |")
    print("| --- | ---: | --- | --- |")
    for r in rows:
        print(f"| {r['name'].strip()} | {r['value']:,.2f} | {r['unit']} | {r['target']} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("gridtoy", nargs="*", type=Path)
    parser.add_argument("--rl", type=Path)
    parser.add_argument("--speed", type=Path)
    args = parser.parse_args()
    if args.gridtoy:
        gridtoy(args.gridtoy)
    if args.rl:
        rl(args.rl)
    if args.speed:
        speed(args.speed)


if __name__ == "__main__":
    main()
