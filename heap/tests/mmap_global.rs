//! `MmapGrow` behind a spin lock as this test program's `#[global_allocator]`, set up in the
//! three lines its documentation shows: the standard library's collections, on several
//! threads at once, allocate from our heap, which grows inside its reservation.
#![cfg(all(feature = "mmap", not(miri)))]

use std::collections::{BTreeMap, HashMap};
use std::thread;
use tagheap::{MmapGrow, SpinLockedHeap};

#[global_allocator]
static HEAP: SpinLockedHeap<MmapGrow> = SpinLockedHeap::new(MmapGrow::new(64 << 30));

/// Word counts of `n` generated sentences, in a hash map and a sorted map.
fn word_counts(seed: usize, n: usize) -> (HashMap<String, usize>, BTreeMap<String, usize>) {
    let mut hashed = HashMap::new();
    let mut sorted = BTreeMap::new();
    for i in 0..n {
        let sentence = format!("w{} w{} w{}", (seed + i) % 97, i % 13, (i * 7) % 31);
        for word in sentence.split(' ') {
            *hashed.entry(word.to_string()).or_insert(0) += 1;
            *sorted.entry(word.to_string()).or_insert(0) += 1;
        }
    }
    (hashed, sorted)
}

#[test]
fn collections_on_four_threads_allocate_from_the_growing_heap() {
    let workers: Vec<_> = (0..4)
        .map(|seed| thread::spawn(move || word_counts(seed, 2_000)))
        .collect();
    for worker in workers {
        let (hashed, sorted) = worker.join().expect("a worker panicked");
        assert_eq!(hashed.values().sum::<usize>(), 6_000);
        assert_eq!(hashed.len(), sorted.len());
        assert!(sorted.iter().all(|(word, count)| hashed[word] == *count));
    }
    let heap = HEAP.lock();
    assert!(heap.hook.committed().size() >= MmapGrow::STEP);
    assert_eq!(heap.check(), Ok(()));
}
