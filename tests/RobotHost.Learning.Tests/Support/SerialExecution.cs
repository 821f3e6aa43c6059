// Training tests check exact resume and identical samples after save → load, which need libtorch's global random
// generator to themselves: test classes running in parallel would interleave their draws.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
