// Package pipeline builds a ReduNet as an Apache Beam pipeline, so that a
// net can be built on more samples than one machine holds: on prism, Beam's
// runner that runs in this process, or on Flink, Spark or Dataflow through
// Beam's portable runners.
//
// A layer has the shape of a map-reduce. Its statistics, per frequency bin
// the Gram sums of every class, add over shards of samples; the sums are
// reduced keyed by groups of bins, so that no worker holds every bin's; each
// group's bins are factorised on their own, into the operators of those
// bins; the parts are joined into the layer, which is broadcast to the
// workers as a side input and applied to every shard. L layers are unrolled
// into one pipeline (see Build).
//
// The result equals the single-machine construction (redunet.Net.Build) on
// the same samples to rounding: the sums add the same numbers in another
// order.
package pipeline
