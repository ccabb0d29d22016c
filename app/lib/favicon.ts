// The app's icon: the brand mark as SVG. Pages link it inline; /favicon.ico serves the same
// picture to browsers that ask for it by that name.
export const FAVICON_SVG =
  "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'><defs><linearGradient id='g' x1='0' y1='1' x2='1' y2='0'><stop offset='0' stop-color='#f58529'/><stop offset='.5' stop-color='#dd2a7b'/><stop offset='1' stop-color='#8134af'/></linearGradient></defs><rect width='32' height='32' rx='8' fill='url(#g)'/><path d='M9 11.5A2.5 2.5 0 0 1 11.5 9h9A2.5 2.5 0 0 1 23 11.5v6a2.5 2.5 0 0 1-2.5 2.5H15l-4 3v-3h0.5A2.5 2.5 0 0 1 9 17.5z' fill='white'/></svg>";

export const FAVICON_DATA_URL = `data:image/svg+xml,${encodeURIComponent(FAVICON_SVG)}`;
