"""The tables of bench/frontend_compare.sh, from its samples file.

Usage: frontend_compare_report.py SAMPLES.tsv IMAGE_TITLE BLOB_TITLE

Each line of SAMPLES.tsv is one pull: item (image, blob), row (direct,
proxy-cold, ..., unix-warm), seconds, MB/s, serving CPU-s per GiB, the
frontend's and Tributary's CPU-s per GiB ("-" where they did not serve) and the
origin's. Prints, per item, the medians over the runs with each Tributary row's
ratios to the proxy at the same temperature, then what the Unix socket saves
over TCP and the frontend's share of the serving CPU.
"""

import collections
import statistics
import sys

ROWS = {
    "direct": "from the origin directly",
    "proxy-cold": "distribution proxy, cold",
    "proxy-warm": "distribution proxy, warm",
    "tcp-cold": "frontend + Tributary (TCP), cold",
    "tcp-warm": "frontend + Tributary (TCP), warm",
    "unix-cold": "frontend + Tributary (Unix socket), cold",
    "unix-warm": "frontend + Tributary (Unix socket), warm",
}
METRICS = ("secs", "mbps", "cpu", "frontend", "tributary", "origin")


def read_samples(path):
    """(item, row) -> metric -> list of values, one a run."""
    samples = collections.defaultdict(lambda: collections.defaultdict(list))
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            item, row, *values = line.rstrip("\n").split("\t")
            for metric, value in zip(METRICS, values):
                if value != "-":
                    samples[(item, row)][metric].append(float(value))
    return samples


def medians(samples):
    return {
        key: {metric: statistics.median(values) for metric, values in by.items()}
        for key, by in samples.items()
    }


def fixed(value, places):
    return "–" if value is None else f"{value:.{places}f}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "–"
    return f"{a / b:.2f}"


def proxy_row(row):
    """The proxy row a Tributary row is compared with: same temperature."""
    if row.startswith(("tcp-", "unix-")):
        return "proxy-" + row.split("-")[1]
    return None


def print_item(item, title, med, runs):
    get = lambda row, metric: med.get((item, row), {}).get(metric)
    print()
    print(f"{title}, median of {runs} run{'s' if runs != 1 else ''}:")
    print()
    print("| path | s | MB/s | serving CPU-s/GiB | frontend | Tributary | origin "
          "| MB/s ÷ proxy | CPU ÷ proxy |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row, label in ROWS.items():
        if (item, row) not in med:
            continue
        proxy = proxy_row(row)
        cells = [
            label,
            fixed(get(row, "secs"), 2),
            fixed(get(row, "mbps"), 1),
            fixed(get(row, "cpu"), 2),
            fixed(get(row, "frontend"), 2),
            fixed(get(row, "tributary"), 2),
            fixed(get(row, "origin"), 2),
            ratio(get(row, "mbps"), get(proxy, "mbps")) if proxy else "–",
            ratio(get(row, "cpu"), get(proxy, "cpu")) if proxy else "–",
        ]
        print("| " + " | ".join(cells) + " |")
    print()
    for temp in ("cold", "warm"):
        tcp, unix = f"tcp-{temp}", f"unix-{temp}"
        print(
            f"{item} {temp}: Unix socket ÷ TCP: serving CPU-s/GiB "
            f"{ratio(get(unix, 'cpu'), get(tcp, 'cpu'))}, MB/s "
            f"{ratio(get(unix, 'mbps'), get(tcp, 'mbps'))}; frontend's share of "
            f"the serving CPU: TCP {ratio(get(tcp, 'frontend'), get(tcp, 'cpu'))}, "
            f"Unix {ratio(get(unix, 'frontend'), get(unix, 'cpu'))}; MB/s ÷ direct: "
            f"TCP {ratio(get(tcp, 'mbps'), get('direct', 'mbps'))}, Unix "
            f"{ratio(get(unix, 'mbps'), get('direct', 'mbps'))}, proxy "
            f"{ratio(get(f'proxy-{temp}', 'mbps'), get('direct', 'mbps'))}")


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__)
    samples = read_samples(argv[1])
    runs = max((len(by["secs"]) for by in samples.values()), default=0)
    med = medians(samples)
    for item, title in (("image", argv[2]), ("blob", argv[3])):
        print_item(item, title, med, runs)


if __name__ == "__main__":
    main(sys.argv)
