// The suite installs two majors of Express and Koa side by side under aliases; both use the
// current major's types, which is all the tests need.
declare module "express4" {
  import express from "express";
  export default express;
}
declare module "express5" {
  import express from "express";
  export default express;
}
declare module "koa2" {
  import Koa from "koa";
  export default Koa;
}
declare module "koa3" {
  import Koa from "koa";
  export default Koa;
}
