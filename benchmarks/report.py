#!/usr/bin/env python3
"""Turns JMH's JSON result (run.sh -rf json) into the Markdown tables of docs/benchmarks.md:
per benchmark the median, p99 (sample mode) or score (throughput), allocation per operation
(-prof gc), and the ratios against the same-run baselines."""
import json, sys

rows = json.load(open(sys.argv[1] if len(sys.argv) > 1 else 'benchmarks/target/jmh-result.json'))

def name(r):
    n = r['benchmark'].rsplit('.', 2)
    p = ','.join(f'{k}={v}' for k, v in sorted(r.get('params', {}).items()))
    return f"{n[-2]}.{n[-1]}" + (f" [{p}]" if p else '')

def alloc(r):
    m = r.get('secondaryMetrics', {}).get('gc.alloc.rate.norm')
    return f"{m['score']:.0f}" if m else ''

sample, thrpt = {}, {}
for r in rows:
    pm = r['primaryMetric']
    if r['mode'] == 'sample':
        pc = pm['scorePercentiles']
        sample[name(r)] = (pc['50.0'], pc['99.0'], pm['scoreUnit'], r['threads'], alloc(r))
    else:
        thrpt[name(r)] = (pm['score'], pm['scoreError'], pm['scoreUnit'], r['threads'], alloc(r))

if sample:
    print('| benchmark | threads | median | p99 | unit | alloc B/op |')
    print('|---|--:|--:|--:|---|--:|')
    for k, (p50, p99, u, t, a) in sample.items():
        print(f'| {k} | {t} | {p50:,.2f} | {p99:,.2f} | {u} | {a} |')
    print()
if thrpt:
    print('| benchmark | threads | score | ± error | unit | alloc B/op |')
    print('|---|--:|--:|--:|---|--:|')
    for k, (s, e, u, t, a) in thrpt.items():
        print(f'| {k} | {t} | {s:,.0f} | {e:,.0f} | {u} | {a} |')
    print()

def ratio(title, a, b):
    if a in sample and b in sample:
        (a50, a99, *_), (b50, b99, *_) = sample[a], sample[b]
        print(f'| {title} | {b50 - a50:+,.1f} | {b50 / a50:.2f} | {b99 - a99:+,.1f} | {b99 / a99:.2f} |')

print('| comparison (second minus / over first) | Δ median µs | ratio median | Δ p99 µs | ratio p99 |')
print('|---|--:|--:|--:|--:|')
g = 'GatewayOverheadBenchmark.'
for other in ['b_llmgateNoInterceptors', 'c_llmgateFullChain', 'c_llmgateFullChainWithoutPolicy', 'a_directPlusHipaaDecisions',
              'a_directPlusOneRegexPass', 'peer_langchain4j', 'peer_openaiJavaSdk', 'peer_portkey']:
    ratio(f'(a) direct → {other}', g + 'a_directOkHttpJackson', g + other)
ratio('(c) without policy → (c) full chain', g + 'c_llmgateFullChainWithoutPolicy', g + 'c_llmgateFullChain')
ratio('LangChain4j → (c) full chain', g + 'peer_langchain4j', g + 'c_llmgateFullChain')
s = 'StreamingBenchmark.'
for kind in ['ttft', 'total']:
    ratio(f'stream {kind}: direct → full chain', f'{s}a_{kind}_directOkHttpSse', f'{s}c_{kind}_llmgateFullChain')
    ratio(f'stream {kind}: direct → Portkey', f'{s}a_{kind}_directOkHttpSse', f'{s}peer_{kind}_portkey')
w = 'ThreadWakeBenchmark.'
ratio('waking a parked thread: 50 µs pause → pause + wake', w + 'baseline_pauseThenAddNoWake', w + 'pauseThenWakeParkedThread')
c = 'CacheHitBenchmark.'
ratio('cache: Caffeine getIfPresent → interceptor hit', c + 'baseline_caffeineGetIfPresent', c + 'hit_cacheInterceptor')
for b in ['2048', '65536']:
    p = f'PolicyScanBenchmark.%s [bytes={b}]'
    if p % 'hipaaInputScan' in sample:
        ratio(f'policy {b} B: one Pattern.find loop → HIPAA scan', p % 'baseline_singlePatternFind', p % 'hipaaInputScan')
    if p % 'allPresetsInputScan' in sample:
        ratio(f'policy {b} B: one Pattern.find loop → all four presets', p % 'baseline_singlePatternFind', p % 'allPresetsInputScan')
print()
for b in ['2048', '65536']:
    for m in ['hipaaInputScan', 'allPresetsInputScan', 'baseline_singlePatternFind']:
        k = f'PolicyScanBenchmark.{m} [bytes={b}]'
        if k in sample:
            print(f'- {k}: {int(b) / sample[k][0]:,.1f} MB/s at the median (one thread)')

adversarial = sorted({k.split('[')[1] for k in sample if k.startswith('AdversarialScanBenchmark.')})
if adversarial:
    print()
    print('| shape (256 KB, all four presets) | scan MB/s | one Pattern.find loop MB/s | scan / loop time | ≥ 20 MB/s |')
    print('|---|--:|--:|--:|---|')
    for p in adversarial:
        scan, base = f'AdversarialScanBenchmark.allPresetsInputScan [{p}', f'AdversarialScanBenchmark.baseline_singlePatternFind [{p}'
        if scan in sample and base in sample:
            mbs, bmbs = 262144 / sample[scan][0], 262144 / sample[base][0]
            print(f'| {p.rstrip("]").split("=")[1]} | {mbs:,.1f} | {bmbs:,.1f} | {sample[scan][0] / sample[base][0]:.1f} | {"yes" if mbs >= 20 else "**no**"} |')
