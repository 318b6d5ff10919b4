// Package report draws the figures of the ReduNet experiments as PNG files
// with gonum.org/v1/plot.
//
// # Figures
//
//   - [Curves] and [CurvesWithRefs]: line plots of per-layer quantities such
//     as ΔR, R and Rc for the training and the test set, with optional dotted
//     horizontal reference lines (the closed-form limits of the Gaussian
//     experiments). Series whose name ends in "(test)" are dashed and share
//     the colour of the series with the same base name.
//   - [SimilarityHeatmap]: the matrix of absolute cosine similarities between
//     all samples, rows and columns sorted by class, with a colour bar and
//     class boundaries. A multi-class subspace structure shows as bright
//     diagonal blocks on a dark background.
//   - [SimilarityHistogram]: overlaid density histograms of groups of
//     similarity values, typically those returned by [CrossSimilarities]
//     (same-class against different-class pairs), as in the paper's
//     invariance figures.
//   - [Bars]: a grouped bar chart of values in [0, 1], e.g. the accuracy of
//     each classifier on the raw input and on the ReduNet features; a NaN
//     value is a missing one and draws no bar.
//
// # Conventions
//
// Sample matrices are row-major with one sample per row: x has m·d entries
// for m samples of dimension d, and labels has m entries. Similarities are
// |cos θ| = |⟨u, v⟩| / (‖u‖‖v‖), in [0, 1]; a row of zeros has similarity 0
// with every row, itself included.
//
// # Files and errors
//
// Every figure is rendered at 100 dots per inch (6×4 in for curves,
// histograms and bars, 6×6 in for the heatmap) and written atomically: the
// image goes to a temporary file in the directory of path, which is synced
// and then renamed over path, so a reader never sees a partial file and a
// failure leaves neither a partial file nor the temporary one behind.
//
// Bad input to a figure function (mismatched lengths, NaN or infinite
// values where a value is required, an empty data set) and I/O failures are returned as errors that
// name the file. The helper [CrossSimilarities], which returns no error,
// panics on inconsistent shapes, like gonum's mat package. The package holds
// no global state and never prints.
package report
