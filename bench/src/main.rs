fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args[1].parse().unwrap();
    let plan = ketqua_bench::plan(ketqua_bench::Spec::new(n));
    ketqua_bench::write_ketqua(&plan, std::path::Path::new(&args[2])).unwrap();
    ketqua_bench::write_hugo(&plan, std::path::Path::new(&args[3])).unwrap();
}
