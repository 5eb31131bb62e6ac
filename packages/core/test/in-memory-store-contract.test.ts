import { InMemoryTaskStore } from "../src/index.js";
import { taskStoreContract } from "./contract/task-store-contract.js";

taskStoreContract("InMemoryTaskStore", async () => ({ store: new InMemoryTaskStore() }));
