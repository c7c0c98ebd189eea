fn main() {
    leptos::mount::mount_to_body(app::pages::h5::H5App);
}
