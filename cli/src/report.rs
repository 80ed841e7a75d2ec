//! `tacc bench --report`: the benchmark as one self-contained HTML file with charts.
