//! A set of catalog actions as a bitset: unions, intersections and complements of ~20,000
//! actions cost a few hundred word operations, which is what makes judging every principal
//! of a large account with all of its policies fast.

#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct ActionSet {
    words: Vec<u64>,
}

impl std::fmt::Debug for ActionSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ActionSet({} actions)", self.len())
    }
}

impl ActionSet {
    pub fn empty(universe: usize) -> Self {
        ActionSet {
            words: vec![0; universe.div_ceil(64)],
        }
    }

    pub fn full(universe: usize) -> Self {
        // Whole words at once (the SCP ceiling starts from this on every full-access question).
        let mut words = vec![!0u64; universe.div_ceil(64)];
        if let Some(last) = words.last_mut()
            && !universe.is_multiple_of(64)
        {
            *last = (1u64 << (universe % 64)) - 1;
        }
        ActionSet { words }
    }

    pub fn insert(&mut self, i: usize) {
        self.words[i / 64] |= 1 << (i % 64);
    }

    pub fn insert_range(&mut self, r: std::ops::Range<usize>) {
        for i in r {
            self.insert(i);
        }
    }

    pub fn contains(&self, i: usize) -> bool {
        self.words
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    pub fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }

    pub fn union_with(&mut self, other: &ActionSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    pub fn intersect_with(&mut self, other: &ActionSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= b;
        }
    }

    pub fn subtract(&mut self, other: &ActionSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= !b;
        }
    }

    /// Every action of the universe not in this set.
    pub fn complement(&self, universe: usize) -> ActionSet {
        let mut out = ActionSet::full(universe);
        out.subtract(self);
        out
    }

    pub fn is_superset_of(&self, other: &ActionSet) -> bool {
        self.words
            .iter()
            .zip(&other.words)
            .all(|(a, b)| a & b == *b)
    }

    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(wi, &w)| {
            (0..64)
                .filter(move |b| w & (1 << b) != 0)
                .map(move |b| wi * 64 + b)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_algebra() {
        let mut a = ActionSet::empty(130);
        a.insert(0);
        a.insert(129);
        let mut b = ActionSet::empty(130);
        b.insert(129);
        assert!(a.is_superset_of(&b));
        assert_eq!(a.complement(130).len(), 128);
        a.subtract(&b);
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![0]);
        a.union_with(&b);
        a.intersect_with(&b);
        assert_eq!(a.len(), 1);
        assert!(ActionSet::full(130).complement(130).is_empty());
        // Whole words, and the bits past the universe left clear.
        for n in [0, 1, 63, 64, 65, 128, 130] {
            let f = ActionSet::full(n);
            assert_eq!(f.len(), n);
            assert_eq!(f.iter().collect::<Vec<_>>(), (0..n).collect::<Vec<_>>());
        }
    }
}
