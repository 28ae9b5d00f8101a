/** The second Hogwild thread: steps over the half of each epoch it is given, in the shared arena. */
import { parentPort, workerData } from "node:worker_threads";
import { Arena } from "./arena";
import { HOGWILD_THREADS, type HogwildInit, type HogwildJob, type HogwildReply } from "./hogwild";
import { TrainStepper } from "./train-step";

const init = workerData as HogwildInit;
const stepper = new TrainStepper(Arena.attach(init.mem, true), init.layout, 1);
stepper.steps = 1; // interleaves with the main thread's even step numbers
const reply = (m: HogwildReply) => parentPort?.postMessage(m);

parentPort?.on("message", (job: HogwildJob) => {
  try {
    let lossSum = 0;
    let batches = 0;
    for (let s = job.j0; s < job.j1; s += init.layout.batch) {
      lossSum += stepper.step(s, Math.min(job.j1, s + init.layout.batch), init.rates, HOGWILD_THREADS);
      batches++;
    }
    reply({ lossSum, batches });
  } catch (e) {
    reply({ error: (e as Error).message });
  }
});
reply({ ready: true });
