/** @type {import("next").NextConfig} */
export default {
  // The workspace's packages are ESM builds already; nothing to transpile.
  reactStrictMode: true,
};
