/**
 * Alerting with the processor API: readings from `sensor-readings` (key =
 * sensor id, value = a temperature as text). A custom processor raises an
 * alert at once when a reading is above 80 and, from a wall-clock
 * punctuator every second, when a sensor that reported before has been
 * silent for more than 5 seconds (once per silence). It keeps each
 * sensor's last-seen time in a state store, so after a restart or a move
 * to another instance it still knows which sensors to watch.
 *
 *   node examples/dist/streams/sensor-alerts.js
 */
import { Serdes, Stores, Topology, type KeyValueStore, type Processor, type ProcessorContext, type StreamRecord } from '@gregor/streams';
import { createTopics, exitOnError, runStreams } from './run';

const THRESHOLD = 80;
const SILENCE_MS = 5000;

interface SensorState {
  lastSeenMs: number;
  alertedSilent: boolean;
}

class SensorAlerts implements Processor<string, string, string, string> {
  private ctx!: ProcessorContext<string, string>;
  private sensors!: KeyValueStore<string, SensorState>;

  init(ctx: ProcessorContext<string, string>): void {
    this.ctx = ctx;
    this.sensors = ctx.getStateStore('sensors');
    ctx.schedule(1000, 'WALL_CLOCK_TIME', (now) => this.checkSilence(now));
  }

  process(r: StreamRecord<string, string>): void {
    const celsius = Number(r.value);
    this.sensors.put(r.key, { lastSeenMs: this.ctx.currentSystemTimeMs(), alertedSilent: false });
    if (celsius > THRESHOLD) this.ctx.forward({ ...r, value: `HOT ${r.key}: ${celsius}` });
  }

  private checkSilence(now: number): void {
    for (const { key, value } of this.sensors.all()) {
      if (value.alertedSilent || now - value.lastSeenMs <= SILENCE_MS) continue;
      this.sensors.put(key, { ...value, alertedSilent: true });
      this.ctx.forward({ key, value: `SILENT ${key}: no reading for ${Math.round((now - value.lastSeenMs) / 1000)} s`, timestamp: now, headers: [] });
    }
  }
}

async function main(): Promise<void> {
  await createTopics(['sensor-readings', 'sensor-alerts']);
  const S = Serdes.String();
  const topology = new Topology()
    .addSource('readings', 'sensor-readings', { keySerde: S, valueSerde: S })
    .addProcessor('alerts', () => new SensorAlerts(), 'readings')
    .addStateStore(Stores.keyValue('sensors', S, Serdes.JSON<SensorState>()), 'alerts')
    .addSink('to-alerts', 'sensor-alerts', { keySerde: S, valueSerde: S }, 'alerts');
  await runStreams(topology, 'sensor-alerts');
}

main().catch(exitOnError);
