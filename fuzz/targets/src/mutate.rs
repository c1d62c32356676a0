//! A small deterministic mutator (libFuzzer-style byte edits, dictionary splices and
//! cross-overs) for running the targets without libFuzzer.

/// SplitMix64: a tiny, seedable pseudo-random generator.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// Bytes that often matter to parsers.
const INTERESTING: &[u8] = b"\x00\x01\x7f\x80\xff\xc3\xe2\xed\"\\{}[]:,=&%+;\r\n\t -0919eE.";

/// Largest input the mutator produces.
pub const MAX_LEN: usize = 64 * 1024;

/// A mutation of `input`: one to four edits, splicing `dictionary` words and pieces of `corpus`.
pub fn mutate(rng: &mut Rng, input: &[u8], corpus: &[Vec<u8>], dictionary: &[&str]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..=rng.below(4) {
        edit(rng, &mut out, corpus, dictionary);
    }
    out.truncate(MAX_LEN);
    out
}

fn edit(rng: &mut Rng, out: &mut Vec<u8>, corpus: &[Vec<u8>], dictionary: &[&str]) {
    let at = |rng: &mut Rng, out: &Vec<u8>| rng.below(out.len() + 1);
    match rng.below(10) {
        0 | 1 if !out.is_empty() => {
            let i = rng.below(out.len());
            out[i] ^= 1 << rng.below(8);
        }
        2 if !out.is_empty() => {
            let i = rng.below(out.len());
            out[i] = INTERESTING[rng.below(INTERESTING.len())];
        }
        3 if !out.is_empty() => {
            let start = rng.below(out.len());
            let end = (start + 1 + rng.below(16)).min(out.len());
            out.drain(start..end);
        }
        4 if !out.is_empty() => {
            let start = rng.below(out.len());
            let end = (start + 1 + rng.below(64)).min(out.len());
            let piece = out[start..end].to_vec();
            let i = at(rng, out);
            out.splice(i..i, piece);
        }
        5 | 6 if !dictionary.is_empty() => {
            let word = dictionary[rng.below(dictionary.len())].as_bytes();
            let i = at(rng, out);
            out.splice(i..i, word.iter().copied());
        }
        7 if !corpus.is_empty() => {
            // Cross-over: our head, another input's tail.
            let other = &corpus[rng.below(corpus.len())];
            let cut = at(rng, out);
            let from = rng.below(other.len() + 1);
            out.truncate(cut);
            out.extend_from_slice(&other[from..]);
        }
        8 if !out.is_empty() => {
            out.truncate(rng.below(out.len()));
        }
        _ => {
            let i = at(rng, out);
            let byte = if rng.below(2) == 0 { rng.next_u64() as u8 } else { INTERESTING[rng.below(INTERESTING.len())] };
            let most = if rng.below(8) == 0 { 4096 } else { 4 };
            let count = 1 + rng.below(most);
            out.splice(i..i, std::iter::repeat_n(byte, count));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_varied() {
        let corpus = vec![b"{\"a\":1}".to_vec(), b"GET / HTTP/1.1\r\n\r\n".to_vec()];
        let run = |seed| {
            let mut rng = Rng::new(seed);
            (0..200).map(|i| mutate(&mut rng, &corpus[i % 2], &corpus, &["\"code\""])).collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
        let distinct: std::collections::HashSet<_> = run(7).into_iter().collect();
        assert!(distinct.len() > 150, "{} distinct inputs of 200", distinct.len());
    }
}
