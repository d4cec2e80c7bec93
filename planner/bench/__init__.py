"""Standard VRPTW benchmarks (Solomon, Gehring & Homberger) solved by VaxRoute's own engine."""
