/** Does nothing: the benchmark's measure of a bare Node start, beside `skim extract` of one page. */
export {};
