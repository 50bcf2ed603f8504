#!/usr/bin/env python3
"""Groups `perf script` samples (recorded with -g) into what the CPU was doing.

Reads `perf script -F tid,ip,sym,dso` output on stdin. A sample whose leaf is in
the kernel is put under the system call (or fault, or interrupt) it happened in,
split by what the call touched (TCP, a file); a sample in user space is put under
its library, with SHA-256 and memcpy named. Prints the buckets and the top leaf
symbols, each as a share of all samples. Used by bench/blob_profile.sh.
"""
import collections
import re
import sys

def kernel_bucket(frames):
    kernel = [sym for sym, dso in frames if is_kernel(dso)]
    user = [sym for sym, dso in frames if not is_kernel(dso)]
    joined = " ".join(kernel)
    caller = user[0] if user else ""
    if "__schedule" in joined:
        return "kernel: context switches"
    if "tcp_sendmsg" in joined:
        return "kernel: TCP send (copy + loopback delivery)"
    if "tcp_recvmsg" in joined:
        return "kernel: TCP receive (copy to user)"
    if "exc_page_fault" in joined:
        return "kernel: page faults"
    if re.search(r"futex|lll_lock|lll_unlock|pthread_cond|sem_", caller + " " + joined) or caller == "syscall":
        return "kernel: futex (thread wake-ups)"
    if "epoll" in caller or "ep_poll" in joined:
        return "kernel: epoll"
    if re.search(r"pwrite|ext4_buffered_write|generic_perform_write", caller + " " + joined):
        return "kernel: file write (page cache)"
    if re.search(r"pread|filemap_read", caller + " " + joined):
        return "kernel: file read (page cache)"
    if "apic_timer_interrupt" in joined or "softirq" in joined:
        return "kernel: timer interrupts"
    return "kernel: other (" + (caller or kernel[-1]) + ")"


def is_kernel(dso):
    return "kernel" in dso or dso.startswith("[")


def user_bucket(sym, dso):
    low = sym.lower()
    base = dso.rsplit("/", 1)[-1]
    # libcrypto's assembly has no symbols; on this path only SHA-256 runs there.
    if "sha256" in low or "sha2" in low or (base.startswith("libcrypto") and sym == "[unknown]"):
        return "user: SHA-256"
    if "memcpy" in low or "memmove" in low:
        return "user: memcpy"
    if "memset" in low:
        return "user: memset"
    if base.startswith("libc.so") and re.search(r"malloc|free|alloc|_int_", low):
        return "user: malloc/free"
    for prefix, name in (("libgrpc", "gRPC"), ("libgpr", "gRPC"), ("libprotobuf", "protobuf"),
                         ("libabsl", "Abseil"), ("libcrypto", "OpenSSL"),
                         ("libssl", "OpenSSL"), ("libc.so", "libc"),
                         ("libstdc++", "libstdc++"), ("tributary", "Tributary")):
        if base.startswith(prefix):
            return "user: " + name
    return "user: " + (base or "?")


def samples(lines):
    frames = []
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            if frames:
                yield frames
            frames = []
            continue
        if line.startswith((" ", "\t")):
            parts = line.split(None, 1)
            if len(parts) < 2:
                continue
            ip, rest = parts
            m = re.match(r"(.*?)(?:\+0x[0-9a-f]+)? \((.*)\)$", rest)
            sym, dso = (m.group(1), m.group(2)) if m else (rest, "")
            frames.append((sym, dso))
    if frames:
        yield frames


def main():
    buckets = collections.Counter()
    leaves = collections.Counter()
    total = 0
    for frames in samples(sys.stdin):
        total += 1
        sym, dso = frames[0]
        leaves[f"{sym} ({dso.rsplit('/', 1)[-1]})"] += 1
        if is_kernel(dso):
            buckets[kernel_bucket(frames)] += 1
        else:
            buckets[user_bucket(sym, dso)] += 1
    if not total:
        print("(no samples)")
        return
    print(f"{total} samples")
    print("| what | share |")
    print("| --- | ---: |")
    for name, n in buckets.most_common():
        if n * 200 >= total:  # 0.5 % and up
            print(f"| {name} | {100 * n / total:.1f} % |")
    print("\ntop leaf symbols:")
    for name, n in leaves.most_common(12):
        print(f"  {100 * n / total:5.1f} %  {name}")


if __name__ == "__main__":
    main()
