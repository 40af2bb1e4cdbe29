//! `json`: serde_json round trips of generated records (orders with customers, lines and
//! tags): serialise to a string, parse into an untyped `Value`, print that again, parse it
//! back into the typed records, and check they are what was generated.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Order {
    id: u64,
    customer: Customer,
    lines: Vec<Line>,
    tags: BTreeMap<String, String>,
    note: Option<String>,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Customer {
    name: String,
    email: String,
    address: Vec<String>,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Line {
    sku: String,
    quantity: u32,
    price: f64,
}

/// A small linear congruential generator: the same records on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }

    fn word(&mut self, letters: u64) -> String {
        (0..1 + self.next(letters))
            .map(|_| char::from(b'a' + self.next(26) as u8))
            .collect()
    }
}

/// Order number `id`.
fn order(id: u64, rng: &mut Lcg) -> Order {
    Order {
        id,
        customer: Customer {
            name: format!("{} {}", rng.word(8), rng.word(12)),
            email: format!("{}@{}.example", rng.word(10), rng.word(6)),
            address: (0..1 + rng.next(3)).map(|_| rng.word(20)).collect(),
        },
        lines: (0..rng.next(12))
            .map(|_| Line {
                sku: format!("SKU-{:06}", rng.next(1_000_000)),
                quantity: 1 + rng.next(9) as u32,
                price: rng.next(100_000) as f64 / 100.0,
            })
            .collect(),
        tags: (0..rng.next(5))
            .map(|_| (rng.word(6), rng.word(30)))
            .collect(),
        note: (rng.next(3) == 0).then(|| rng.word(200)),
    }
}

/// Round-trips batches of orders; the summary gives the bytes and a checksum of the text.
pub fn run(scale: usize) -> String {
    let mut rng = Lcg(0x5eed);
    let (mut bytes, mut checksum) = (0usize, 0u64);
    for batch in 0..2 * scale as u64 {
        let orders: Vec<Order> = (0..5_000)
            .map(|n| order(batch * 5_000 + n, &mut rng))
            .collect();
        let text = serde_json::to_string(&orders).expect("orders serialise");
        let value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        let again = serde_json::to_string_pretty(&value).expect("values serialise");
        let parsed: Vec<Order> = serde_json::from_str(&again).expect("the orders come back");
        assert!(
            parsed == orders,
            "batch {batch} did not survive the round trip"
        );
        bytes += text.len() + again.len();
        checksum = text.bytes().fold(checksum, |sum, byte| {
            (sum ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3)
        });
    }
    format!("json: {bytes} bytes, checksum {checksum:016x}\n")
}
