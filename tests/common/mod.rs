pub mod wast_runner;
